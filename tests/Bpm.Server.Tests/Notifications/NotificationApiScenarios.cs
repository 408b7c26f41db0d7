using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpm.Engine;
using Bpm.Engine.State;
using Bpm.Server.Security;
using Bpm.Server.Tests.Api;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Bpm.Server.Tests.Api.ApiResponses;

namespace Bpm.Server.Tests.Notifications;

/// <summary>
/// The real server with its dispatcher running (fast: 100 ms passes, 200 ms backoff, 3 attempts, 3 s timeout), on
/// SQLite and on PostgreSQL. Each test addresses its notices to departments of its own, so the shared server's
/// other subscriptions never see them.
/// </summary>
public abstract class NotificationApiScenarios(ApiFixture fixture)
{
    private const string Secret = "whsec-0123456789abcdef";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ApiServer Server => fixture.Server;
    private HttpClient Admin => Server.As(People.Administrator);

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Bpm:Notifications:IntervalMs"] = "100",
        ["Bpm:Notifications:RetryBaseMs"] = "200",
        ["Bpm:Notifications:RetryMaxMs"] = "400",
        ["Bpm:Notifications:MaxAttempts"] = "3",
        ["Bpm:Notifications:TimeoutMs"] = "3000",
    };

    // ---------- webhooks ----------

    [Fact]
    public async Task A_webhook_subscribed_through_the_api_receives_signed_notices_and_lists_its_deliveries()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var department = Department("住建");
        var created = await Admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, secret = Secret, department, kinds = new[] { "case-overdue" } });
        var webhook = await Json(created, HttpStatusCode.Created);
        var id = (string)webhook["id"]!;
        Assert.Equal($"/api/webhooks/{id}", created.Headers.Location?.ToString());
        Assert.Null(webhook["secret"]);
        Assert.Equal((receiver.Url.ToString(), department, true), ((string?)webhook["url"], (string?)webhook["department"], (bool)webhook["active"]!));
        Assert.Equal(["case-overdue"], webhook["kinds"]!.AsArray().Select(k => (string)k!));
        Assert.Equal("admin", (string?)webhook["createdBy"]);

        var message = await OutboxAsync(department, "case-overdue");
        await OutboxAsync(department, "case-warning"); // not a kind it asked for
        await EventuallyAsync(() => receiver.Received.Count >= 1, "the receiver got nothing");

        var post = Assert.Single(receiver.Received);
        Assert.True(post.SignedWith(Secret), $"signature {post.Signature} does not verify");
        Assert.Equal(message.Id.ToString(), (string?)JsonNode.Parse(post.Text)!["id"]);
        var deliveries = await EventuallyAsync(async () =>
        {
            var page = await Json(await Admin.GetAsync($"/api/webhooks/{id}/deliveries"), HttpStatusCode.OK);
            return page["items"]!.AsArray() is [{ } only] && (string?)only["status"] == "delivered" ? page : null;
        }, "the delivery is not listed as delivered");
        var delivery = deliveries["items"]![0]!;
        Assert.Equal(post.Delivery, (string?)delivery["id"]);
        Assert.Equal((1, 200, "case-overdue", message.CaseId.ToString()),
            ((int)delivery["attempts"]!, (int?)delivery["lastStatusCode"], (string?)delivery["kind"], (string?)delivery["caseId"]));
        var detail = await Json(await Admin.GetAsync($"/api/webhooks/deliveries/{post.Delivery}"), HttpStatusCode.OK);
        Assert.Equal(200, (int?)detail["attempts"]![0]!["statusCode"]);

        var listed = (await Json(await Admin.GetAsync("/api/webhooks"), HttpStatusCode.OK)).AsArray().Single(w => (string?)w!["id"] == id)!;
        Assert.Equal((0, 1, 0), ((int)listed["pending"]!, (int)listed["delivered"]!, (int)listed["deadLettered"]!));
        Assert.DoesNotContain(Secret, listed.ToJsonString());
        var none = await Json(await Admin.GetAsync($"/api/webhooks/{id}/deliveries?status=dead-lettered"), HttpStatusCode.OK);
        Assert.Equal(0, (int)none["total"]!);
        await Problem(await Admin.GetAsync($"/api/webhooks/{id}/deliveries?status=lost"), HttpStatusCode.BadRequest, "invalid-status");
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_receiver_answering_500_then_200_is_retried_and_delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, _) => Task.FromResult(n == 1 ? 500 : 200));
        var department = Department("消防");
        var id = await SubscribeAsync(receiver.Url.ToString(), department);
        await OutboxAsync(department);

        var delivery = await EventuallyAsync(async () =>
            (await Json(await Admin.GetAsync($"/api/webhooks/{id}/deliveries"), HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault(d => (string?)d!["status"] == "delivered"), "not delivered after the retry");

        Assert.Equal((2, 200), ((int)delivery["attempts"]!, (int?)delivery["lastStatusCode"]));
        Assert.Null((string?)delivery["lastError"]);
        var attempts = (await Json(await Admin.GetAsync($"/api/webhooks/deliveries/{delivery["id"]}"), HttpStatusCode.OK))["attempts"]!.AsArray();
        Assert.Equal([500, 200], attempts.Select(a => (int)a!["statusCode"]!));
        Assert.Equal(2, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.True(r.SignedWith(Secret)));
        await Admin.DeleteAsync($"/api/webhooks/{id}");
    }

    [Fact]
    public async Task A_dead_lettered_delivery_can_be_retried_by_an_administrator()
    {
        var healthy = false;
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => Task.FromResult(Volatile.Read(ref healthy) ? 200 : 503));
        var department = Department("人防");
        var id = await SubscribeAsync(receiver.Url.ToString(), department);
        await OutboxAsync(department);

        var dead = await EventuallyAsync(async () =>
            (await Json(await Admin.GetAsync($"/api/webhooks/{id}/deliveries?status=dead-lettered"), HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault(), "never dead-lettered");
        Assert.Equal((3, 503), ((int)dead["attempts"]!, (int?)dead["lastStatusCode"]));
        Assert.Contains("503", (string?)dead["lastError"]);
        Assert.Equal(3, receiver.Received.Count);
        var deliveryId = (string)dead["id"]!;

        // Only an administrator, only a dead-lettered one.
        await Problem(await Server.As(People.Supervisor).PostAsync($"/api/webhooks/deliveries/{deliveryId}/retry", null), HttpStatusCode.Forbidden);
        await Problem(await Admin.PostAsync($"/api/webhooks/deliveries/{Guid.NewGuid()}/retry", null), HttpStatusCode.NotFound, "delivery-not-found");
        Volatile.Write(ref healthy, true);
        var retried = await Json(await Admin.PostAsync($"/api/webhooks/deliveries/{deliveryId}/retry", null), HttpStatusCode.OK);
        Assert.Equal((deliveryId, 0), ((string?)retried["id"], (int)retried["attempts"]!));
        Assert.Equal("pending", (string?)retried["status"]);

        var delivered = await EventuallyAsync(async () =>
        {
            var view = await Json(await Admin.GetAsync($"/api/webhooks/deliveries/{deliveryId}"), HttpStatusCode.OK);
            return (string?)view["delivery"]!["status"] == "delivered" ? view : null;
        }, "not delivered after the retry");
        Assert.Equal([503, 503, 503, 200], delivered["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        await Problem(await Admin.PostAsync($"/api/webhooks/deliveries/{deliveryId}/retry", null), HttpStatusCode.Conflict, "not-dead-lettered");

        // Deactivated: no new deliveries, and nothing of it is retried.
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        var webhook = await Json(await Admin.GetAsync($"/api/webhooks/{id}"), HttpStatusCode.OK);
        Assert.False((bool)webhook["active"]!);
        var later = await OutboxAsync(department);
        await EventuallyAsync(async () => await FannedOutAsync(later.Id), "the later message was not fanned out");
        Assert.Equal(1, (int)(await Json(await Admin.GetAsync($"/api/webhooks/{id}/deliveries"), HttpStatusCode.OK))["total"]!);
    }

    [Fact]
    public async Task A_webhook_that_is_down_never_blocks_a_command()
    {
        await using var hanging = await WebhookReceiver.StartAsync(WebhookReceiver.Hang);
        var department = Department("窗口");
        var subscriptions = new[]
        {
            await SubscribeAsync(hanging.Url.ToString(), department),
            await SubscribeAsync(WebhookReceiver.ClosedPortUrl(), department),
        };
        var window = Server.As(People.Window);
        await Json(await window.PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created); // warm
        for (var i = 0; i < 20; i++) await OutboxAsync(department);
        await EventuallyAsync(() => hanging.InFlight > 0, "nothing was sent to the hanging receiver");

        // Commands while POSTs hang (3 s timeout) and the other receiver refuses connections.
        var times = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            var applied = await Json(await window.PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created);
            await Json(await window.PostAsync($"/api/work-items/{applied["case"]!["openWorkItems"]![0]!["id"]}/accept", null), HttpStatusCode.OK);
            times.Add(clock.Elapsed);
        }

        Assert.True(hanging.InFlight > 0, "the hanging POSTs ended before the commands ran");
        Assert.All(times, t => Assert.True(t < TimeSpan.FromSeconds(2.5), $"apply + accept took {t.TotalMilliseconds:0} ms while a webhook hung"));
        // And the failures are recorded, not hidden.
        var refused = await EventuallyAsync(async () =>
            (await Json(await Admin.GetAsync($"/api/webhooks/{subscriptions[1]}/deliveries"), HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault(d => (int)d!["attempts"]! > 0 && d["lastError"] is not null), "the refused deliveries were never attempted");
        Assert.Null((int?)refused["lastStatusCode"]);
        foreach (var id in subscriptions) await Admin.DeleteAsync($"/api/webhooks/{id}");
    }

    [Fact]
    public async Task Only_administrators_manage_webhooks_and_bad_subscriptions_are_refused()
    {
        var body = new { url = "https://hooks.example.org/bpm", secret = Secret };
        foreach (var user in new[] { People.Window, People.Supervisor, People.Deployer, People.Analyst })
        {
            var client = Server.As(user);
            await Problem(await client.PostAsJsonAsync("/api/webhooks", body), HttpStatusCode.Forbidden, "forbidden");
            await Problem(await client.GetAsync("/api/webhooks"), HttpStatusCode.Forbidden);
            await Problem(await client.DeleteAsync($"/api/webhooks/{Guid.NewGuid()}"), HttpStatusCode.Forbidden);
            await Problem(await client.GetAsync($"/api/webhooks/{Guid.NewGuid()}/deliveries"), HttpStatusCode.Forbidden);
        }
        await Problem(await Server.As(null).PostAsJsonAsync("/api/webhooks", body), HttpStatusCode.Unauthorized);
        await Problem(await Server.As(null).GetAsync("/api/messages"), HttpStatusCode.Unauthorized);

        foreach (var url in new[] { "ftp://hooks.example.org/x", "hooks.example.org/x", "/relative", "not a url", "", "https://user:pw@hooks.example.org/" })
            await Problem(await Admin.PostAsJsonAsync("/api/webhooks", new { url, secret = Secret }), HttpStatusCode.BadRequest, "invalid-url");
        await Problem(await Admin.PostAsJsonAsync("/api/webhooks", new { secret = Secret }), HttpStatusCode.BadRequest, "invalid-url");
        await Problem(await Admin.PostAsJsonAsync("/api/webhooks", new { url = body.url, secret = "too-short" }), HttpStatusCode.BadRequest, "invalid-secret");
        await Problem(await Admin.PostAsJsonAsync("/api/webhooks", new { url = body.url }), HttpStatusCode.BadRequest, "invalid-secret");
        await Problem(await Admin.PostAsJsonAsync("/api/webhooks", new { url = body.url, secret = Secret, kinds = new[] { "" } }), HttpStatusCode.BadRequest, "invalid-kinds");
        await Problem(await Admin.PostAsJsonAsync("/api/webhooks", new { url = body.url, secret = Secret, kinds = new[] { "a,b" } }), HttpStatusCode.BadRequest, "invalid-kinds");

        await Problem(await Admin.DeleteAsync($"/api/webhooks/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "webhook-not-found");
        await Problem(await Admin.GetAsync($"/api/webhooks/{Guid.NewGuid()}/deliveries"), HttpStatusCode.NotFound, "webhook-not-found");

        // http works as well as https; no department and no kinds mean everything.
        var plain = await Json(await Admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/hook", secret = Secret }), HttpStatusCode.Created);
        Assert.Null(plain["department"]);
        Assert.Null(plain["kinds"]);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/webhooks/{plain["id"]}")).StatusCode);
        var openapi = await Json(await Server.As(null).GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        Assert.NotNull(openapi["paths"]!["/api/webhooks"]);
        Assert.NotNull(openapi["paths"]!["/api/messages"]);
    }

    // ---------- in-app messages ----------

    [Fact]
    public async Task Each_department_reads_its_own_messages_with_read_flags_per_user()
    {
        var a = Department("甲局");
        var unit = a + "审批股"; // a unit below 甲局
        var b = Department("乙局");
        var a1 = await OutboxAsync(a, subject: "第一条");
        var a2 = await OutboxAsync(a, subject: "第二条");
        var s1 = await OutboxAsync(unit, subject: "股室的");
        var b1 = await OutboxAsync(b, subject: "乙局的");
        foreach (var m in new[] { a1, a2, s1, b1 }) await EventuallyAsync(async () => await FannedOutAsync(m.Id), "not fanned out");
        var handlerA = Server.As(People.HandlerOf(a, "ha"));
        var otherA = Server.As(People.HandlerOf(a, "hb"));
        var handlerB = Server.As(People.HandlerOf(b, "hc"));

        // Newest first, own department only (not the unit below unless asked), all unread.
        var list = await Json(await handlerA.GetAsync("/api/messages"), HttpStatusCode.OK);
        Assert.Equal(["第二条", "第一条"], Subjects(list));
        Assert.Equal((2, 2), ((int)list["total"]!, (int)list["unread"]!));
        Assert.All(list["items"]!.AsArray(), m => Assert.False((bool)m!["read"]!));
        var first = MessageId(list, "第一条");
        Assert.Equal(a1.CaseId.ToString(), (string?)list["items"]![1]!["caseId"]);

        var read = await Json(await handlerA.PostAsync($"/api/messages/{first}/read", null), HttpStatusCode.OK);
        Assert.True((bool)read["read"]!);
        var again = await Json(await handlerA.PostAsync($"/api/messages/{first}/read", null), HttpStatusCode.OK);
        Assert.Equal((string?)read["readAt"], (string?)again["readAt"]);

        list = await Json(await handlerA.GetAsync("/api/messages"), HttpStatusCode.OK);
        Assert.Equal(1, (int)list["unread"]!);
        Assert.True((bool)list["items"]!.AsArray().Single(m => (string?)m!["subject"] == "第一条")!["read"]!);
        Assert.NotNull((string?)list["items"]!.AsArray().Single(m => (string?)m!["subject"] == "第一条")!["readAt"]);
        Assert.Equal(["第二条"], Subjects(await Json(await handlerA.GetAsync("/api/messages?unread=true"), HttpStatusCode.OK)));
        Assert.Equal(["第一条"], Subjects(await Json(await handlerA.GetAsync("/api/messages?page=2&pageSize=1"), HttpStatusCode.OK)));
        // Read flags are per user: a colleague has read nothing yet.
        Assert.Equal(2, (int)(await Json(await otherA.GetAsync("/api/messages?unread=true"), HttpStatusCode.OK))["total"]!);

        // Another department neither sees nor marks them.
        Assert.Equal(["乙局的"], Subjects(await Json(await handlerB.GetAsync("/api/messages"), HttpStatusCode.OK)));
        await Problem(await handlerB.PostAsync($"/api/messages/{first}/read", null), HttpStatusCode.Forbidden, "other-department");
        await Problem(await handlerB.GetAsync($"/api/messages?department={Uri.EscapeDataString(a)}"), HttpStatusCode.Forbidden, "other-department");
        await Problem(await handlerB.PostAsync($"/api/messages/{Guid.NewGuid()}/read", null), HttpStatusCode.NotFound, "message-not-found");

        // A unit above reads the unit below when it asks; not the other way round.
        Assert.Equal(["股室的"], Subjects(await Json(await handlerA.GetAsync($"/api/messages?department={Uri.EscapeDataString(unit)}"), HttpStatusCode.OK)));
        var unitHandler = Server.As(People.HandlerOf(unit, "hs"));
        await Problem(await unitHandler.GetAsync($"/api/messages?department={Uri.EscapeDataString(a)}"), HttpStatusCode.Forbidden, "other-department");
        Assert.Equal(["股室的"], Subjects(await Json(await unitHandler.GetAsync("/api/messages"), HttpStatusCode.OK)));
        // Any signed-in role has a list; an administrator (no department) reads any.
        Assert.Equal(["乙局的"], Subjects(await Json(await Admin.GetAsync($"/api/messages?department={Uri.EscapeDataString(b)}"), HttpStatusCode.OK)));
        await Json(await Server.As(People.Analyst).GetAsync("/api/messages"), HttpStatusCode.OK);
    }

    // ---------- helpers ----------

    private static string Department(string name) => $"测试{name}{Guid.NewGuid():N}"[..24];

    private static List<string?> Subjects(JsonNode page) => page["items"]!.AsArray().Select(m => (string?)m!["subject"]).ToList();

    private static string MessageId(JsonNode page, string subject) =>
        (string)page["items"]!.AsArray().Single(m => (string?)m!["subject"] == subject)!["id"]!;

    private async Task<string> SubscribeAsync(string url, string department) =>
        (string)(await Json(await Admin.PostAsJsonAsync("/api/webhooks", new { url, secret = Secret, department }), HttpStatusCode.Created))["id"]!;

    private async Task<OutboxMessage> OutboxAsync(string department, string kind = "case-overdue", string subject = "办件超期通知")
    {
        var message = new OutboxMessage
        {
            Id = Guid.CreateVersion7(), CaseId = Guid.CreateVersion7(), Kind = kind, Recipient = department, Subject = subject,
            Body = $"{department}：办件已超过承诺时限，请立即办理。", CreatedAt = CaseEngine.Truncate(DateTime.UtcNow),
        };
        await using var db = Server.Services.GetRequiredService<EngineStore>().CreateContext();
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync();
        await Task.Delay(2); // distinct creation times: the list is newest first
        return message;
    }

    private async Task<bool> FannedOutAsync(Guid outboxMessage)
    {
        await using var db = Server.Services.GetRequiredService<EngineStore>().CreateContext();
        return await db.UserMessages.AnyAsync(m => m.OutboxMessageId == outboxMessage);
    }

    private static object PermitApplication() => new
    {
        powerCode = "XK00301001",
        applicant = new { id = "91510000MA6CTEST0X", name = "某某建设有限公司" },
        data = new { projectName = "县第一中学教学楼", area = 12000, contractPrice = 30_000_000, civilDefenceRequired = true },
    };

    private static async Task EventuallyAsync(Func<bool> condition, string failure)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Patience) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > Patience) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string failure) where T : class
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found) return found;
            if (waited.Elapsed > Patience) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }
}

public sealed class SqliteNotificationFixture : ApiFixture
{
    protected override Task<ApiServer> StartAsync() => ApiServer.SqliteAsync(NotificationApiScenarios.Settings);
}

public sealed class PostgresNotificationFixture : ApiFixture
{
    private readonly PostgresDatabaseFixture _database = new();

    protected override Task<ApiServer> StartAsync() => ApiServer.PostgresAsync(_database, NotificationApiScenarios.Settings);

    public override async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}

public sealed class SqliteNotificationApiScenarios(SqliteNotificationFixture fixture) : NotificationApiScenarios(fixture), IClassFixture<SqliteNotificationFixture>;

public sealed class PostgresNotificationApiScenarios(PostgresNotificationFixture fixture) : NotificationApiScenarios(fixture), IClassFixture<PostgresNotificationFixture>;

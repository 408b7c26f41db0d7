using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Tests;
using Bpm.Engine.Time;
using Bpm.Server.Notifications;
using Bpm.Server.Tests.Scheduling;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Bpm.Server.Tests.Notifications;

/// <summary>
/// The dispatcher on its own, over a database of each test's own, on a hand-moved clock: fan-out, signing, retries
/// with backoff, dead-lettering, and several dispatchers (several server processes) working the same tables.
/// </summary>
public abstract class NotificationDispatcherScenarios(StorageProvider provider, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Secret = "a-webhook-secret-of-some-length";
    private readonly List<IAsyncDisposable> _cleanup = [];
    private SchedulingDatabase _database = null!;

    private ManualClock Clock { get; } = ManualClock.AtBeijing("2026-11-23 09:00");
    private EngineStore Store { get; set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await SchedulingDatabase.CreateAsync(provider);
        Store = await _database.OpenStoreAsync();
        _cleanup.Add(Store);
    }

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Fan_out_gives_each_message_one_in_app_message_and_one_delivery_per_matching_active_subscription()
    {
        var all = await SubscribeAsync("http://127.0.0.1:9/all");
        var a = await SubscribeAsync("http://127.0.0.1:9/a", department: "甲局");
        var aWarnings = await SubscribeAsync("http://127.0.0.1:9/a-warnings", department: "甲局", kinds: "case-warning,node-overdue");
        var b = await SubscribeAsync("http://127.0.0.1:9/b", department: "乙局");
        var inactive = await SubscribeAsync("http://127.0.0.1:9/off", active: false);
        var overdue = await OutboxAsync("甲局", "case-overdue");
        var warning = await OutboxAsync("甲局", "case-warning");
        var other = await OutboxAsync("乙局", "case-overdue");
        var dispatcher = Dispatcher();

        Assert.Equal(3, await dispatcher.FanOutAsync());

        await using var db = Store.CreateContext();
        var messages = await db.UserMessages.AsNoTracking().ToListAsync();
        Assert.Equal(
            [(overdue.Id, "甲局", "case-overdue"), (warning.Id, "甲局", "case-warning"), (other.Id, "乙局", "case-overdue")],
            messages.OrderBy(m => m.CreatedAt).ThenBy(m => m.OutboxMessageId).Select(m => (m.OutboxMessageId, m.Department, m.Kind)));
        Assert.All(messages, m => Assert.Equal(overdue.Subject, m.Subject));
        var deliveries = await db.WebhookDeliveries.AsNoTracking().ToListAsync();
        Assert.Equal(
            new[] { (overdue.Id, all), (overdue.Id, a), (warning.Id, all), (warning.Id, a), (warning.Id, aWarnings), (other.Id, all), (other.Id, b) }
                .OrderBy(x => x.Item1).ThenBy(x => x.Item2),
            deliveries.Select(d => (d.OutboxMessageId, d.SubscriptionId)).OrderBy(x => x.OutboxMessageId).ThenBy(x => x.SubscriptionId));
        Assert.DoesNotContain(deliveries, d => d.SubscriptionId == inactive);
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Pending, 0, Now), (d.Status, d.Attempts, d.NextAttemptAt)));
        Assert.All(await db.OutboxMessages.AsNoTracking().ToListAsync(), m => Assert.Equal(Now, m.SentAt));

        // Done is done: a second pass finds nothing.
        Assert.Equal(0, await dispatcher.FanOutAsync());
        Assert.Equal(3, await db.UserMessages.CountAsync());
        Assert.Equal(7, await db.WebhookDeliveries.CountAsync());
    }

    [Fact]
    public async Task Several_dispatchers_fanning_out_at_once_fan_each_message_out_once()
    {
        var subscription = await SubscribeAsync("http://127.0.0.1:9/hook");
        for (var i = 0; i < 60; i++) await OutboxAsync(i % 2 == 0 ? "甲局" : "乙局");
        var dispatchers = Enumerable.Range(0, 3).Select(_ => Dispatcher(new() { ["Bpm:Notifications:BatchSize"] = "25" })).ToList();

        var total = 0;
        while (await Task.WhenAll(dispatchers.Select(d => d.FanOutAsync())) is var done && done.Sum() > 0) total += done.Sum();

        Assert.Equal(60, total);
        await using var db = Store.CreateContext();
        Assert.Equal(60, await db.UserMessages.Select(m => m.OutboxMessageId).Distinct().CountAsync());
        Assert.Equal(60, await db.UserMessages.CountAsync());
        Assert.Equal(60, await db.WebhookDeliveries.CountAsync(d => d.SubscriptionId == subscription));
        Assert.Equal(0, await db.OutboxMessages.CountAsync(m => m.SentAt == null));
    }

    [Fact]
    public async Task The_post_carries_the_message_as_json_signed_with_the_subscriptions_secret()
    {
        await using var receiver = await StartReceiverAsync();
        await SubscribeAsync(receiver.Url.ToString());
        var message = await OutboxAsync("县住房和城乡建设局", "case-overdue");
        var dispatcher = Dispatcher();

        var sent = await dispatcher.RunOnceAsync();

        Assert.Equal(new SendSummary(1, 1, 0, 0), sent);
        var post = Assert.Single(receiver.Received);
        Assert.True(post.SignedWith(Secret), $"signature {post.Signature} does not verify");
        Assert.False(post.SignedWith(Secret + "x"));
        Assert.True(WebhookSignature.Verify(Secret, post.Timestamp!, post.Body, post.Signature));
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeSeconds().ToString(), post.Timestamp);
        Assert.StartsWith("application/json", post.ContentType);
        var body = JsonNode.Parse(post.Text)!;
        Assert.Equal(message.Id.ToString(), (string?)body["id"]);
        Assert.Equal("case-overdue", (string?)body["kind"]);
        Assert.Equal(message.CaseId.ToString(), (string?)body["caseId"]);
        Assert.Equal("县住房和城乡建设局", (string?)body["recipient"]);
        Assert.Equal(message.Subject, (string?)body["subject"]);
        Assert.Equal(message.Body, (string?)body["body"]);
        Assert.Equal(message.CreatedAt, DateTime.Parse((string)body["createdAt"]!, null, System.Globalization.DateTimeStyles.RoundtripKind));
        Assert.Contains("县住房和城乡建设局", post.Text); // Chinese as itself, not \u escapes

        await using var db = Store.CreateContext();
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync();
        Assert.Equal(delivery.Id.ToString(), post.Delivery);
        Assert.Equal((DeliveryStatus.Delivered, 1, 200, (string?)null, (DateTime?)Now), (delivery.Status, delivery.Attempts, delivery.LastStatusCode, delivery.LastError, delivery.DeliveredAt));
        var attempt = await db.WebhookAttempts.AsNoTracking().SingleAsync();
        Assert.Equal((delivery.Id, 1, 200, (string?)null), (attempt.DeliveryId, attempt.Attempt, attempt.StatusCode, attempt.Error));
    }

    [Fact]
    public async Task A_receiver_answering_500_then_200_is_retried_after_the_backoff_and_delivered()
    {
        await using var receiver = await StartReceiverAsync((n, _) => Task.FromResult(n == 1 ? 500 : 200));
        await SubscribeAsync(receiver.Url.ToString());
        await OutboxAsync("甲局");
        var dispatcher = Dispatcher();

        Assert.Equal(new SendSummary(1, 0, 1, 0), await dispatcher.RunOnceAsync());
        var failed = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.Pending, 1, 500), (failed.Status, failed.Attempts, failed.LastStatusCode));
        Assert.Contains("500", failed.LastError);
        Assert.Contains("receiver says 500", failed.LastError); // the start of the receiver's answer is kept
        // 10 s after the first failure, shortened by up to 20 % of jitter.
        Assert.InRange(failed.NextAttemptAt - Now, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10));

        // Not before it is due.
        Assert.Equal(SendSummary.None, await dispatcher.RunOnceAsync());
        Clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(SendSummary.None, await dispatcher.RunOnceAsync());
        Assert.Single(receiver.Received);

        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(new SendSummary(1, 1, 0, 0), await dispatcher.RunOnceAsync());
        var delivered = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.Delivered, 2, 200, (string?)null), (delivered.Status, delivered.Attempts, delivered.LastStatusCode, delivered.LastError));
        Assert.Equal(Now, delivered.DeliveredAt);
        Assert.Equal([500, 200], (await AttemptsAsync(delivered.Id)).Select(a => a.StatusCode ?? 0));
        // The same delivery both times, signed each time.
        Assert.Equal(2, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Delivery).Distinct());
        Assert.All(receiver.Received, r => Assert.True(r.SignedWith(Secret)));
    }

    [Fact]
    public async Task A_dead_receiver_is_dead_lettered_after_MaxAttempts_with_growing_backoff()
    {
        await SubscribeAsync(WebhookReceiver.ClosedPortUrl());
        await OutboxAsync("甲局");
        var dispatcher = Dispatcher(new() { ["Bpm:Notifications:MaxAttempts"] = "4" });

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(new SendSummary(1, 0, 1, 0), await dispatcher.RunOnceAsync());
            var pending = await DeliveryAsync();
            Assert.Equal((DeliveryStatus.Pending, attempt, (int?)null), (pending.Status, pending.Attempts, pending.LastStatusCode));
            Assert.False(string.IsNullOrEmpty(pending.LastError));
            var nominal = TimeSpan.FromSeconds(10 * Math.Pow(2, attempt - 1));
            Assert.InRange(pending.NextAttemptAt - Now, nominal * 0.8, nominal);
            Assert.Equal(SendSummary.None, await dispatcher.RunOnceAsync());
            Clock.Advance(nominal);
        }

        Assert.Equal(new SendSummary(1, 0, 0, 1), await dispatcher.RunOnceAsync());
        var dead = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.DeadLettered, 4), (dead.Status, dead.Attempts));
        Assert.Null(dead.DeliveredAt);
        var attempts = await AttemptsAsync(dead.Id);
        Assert.Equal([1, 2, 3, 4], attempts.Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.True(a.StatusCode is null && !string.IsNullOrEmpty(a.Error), $"attempt {a.Attempt}: {a.StatusCode} {a.Error}"));

        // Dead is dead, however long one waits.
        Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(SendSummary.None, await dispatcher.RunOnceAsync());
        Assert.Equal(4, (await DeliveryAsync()).Attempts);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_a_failed_attempt()
    {
        await using var receiver = await StartReceiverAsync(WebhookReceiver.Hang);
        await SubscribeAsync(receiver.Url.ToString());
        await OutboxAsync("甲局");
        var dispatcher = Dispatcher(new() { ["Bpm:Notifications:TimeoutMs"] = "500" });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(new SendSummary(1, 0, 1, 0), await dispatcher.RunOnceAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
        var delivery = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.Pending, 1, (int?)null), (delivery.Status, delivery.Attempts, delivery.LastStatusCode));
        Assert.Contains("no answer within 0.5 s", delivery.LastError);
    }

    [Fact]
    public async Task Several_dispatchers_sending_at_once_never_send_one_delivery_twice()
    {
        await using var receiver = await StartReceiverAsync(async (_, ct) =>
        {
            await Task.Delay(10, ct);
            return 200;
        });
        await SubscribeAsync(receiver.Url.ToString());
        for (var i = 0; i < 40; i++) await OutboxAsync("甲局");
        var dispatchers = Enumerable.Range(0, 3).Select(_ => Dispatcher(new() { ["Bpm:Notifications:Parallelism"] = "4" })).ToList();
        Assert.Equal(40, await dispatchers[0].FanOutAsync());

        var sent = await Task.WhenAll(dispatchers.Select(d => d.SendDueAsync()));

        Assert.Equal(40, sent.Sum(s => s.Delivered));
        Assert.Equal(40, receiver.Received.Count);
        Assert.Equal(40, receiver.Received.Select(r => r.Delivery).Distinct().Count());
        await using var db = Store.CreateContext();
        Assert.Equal(40, await db.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Delivered && d.Attempts == 1));
        Assert.Equal(40, await db.WebhookAttempts.CountAsync());
    }

    [Fact]
    public async Task A_deactivated_subscriptions_pending_deliveries_are_dead_lettered_unsent()
    {
        await using var receiver = await StartReceiverAsync();
        var subscription = await SubscribeAsync(receiver.Url.ToString());
        await OutboxAsync("甲局");
        var dispatcher = Dispatcher();
        await dispatcher.FanOutAsync();
        await using (var db = Store.CreateContext())
            await db.WebhookSubscriptions.Where(s => s.Id == subscription).ExecuteUpdateAsync(s => s.SetProperty(x => x.Active, false));

        Assert.Equal(new SendSummary(0, 0, 0, 1), await dispatcher.SendDueAsync());

        Assert.Empty(receiver.Received);
        var delivery = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.DeadLettered, 0), (delivery.Status, delivery.Attempts));
        Assert.Contains("deactivated", delivery.LastError);
    }

    [Fact]
    public async Task An_escalations_notice_reaches_the_departments_message_list_and_its_webhook()
    {
        // A real escalation: a case passes its promised due time and the engine writes a case-overdue notice.
        var calendar = await CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn");
        var clock = ManualClock.AtBeijing("2025-11-03 09:00");
        var engine = new CaseEngine(Store, clock, new EngineOptions { Calendar = calendar });
        var code = TestDefinitions.NewCode();
        var department = "许可股" + code;
        await engine.Definitions.PublishAsync(TestDefinitions.Timed(code).Replace("许可股", department), DefinitionFormat.Yaml, "tester");
        var applied = await engine.ExecuteAsync(new Apply(code, new Actor("91330000MA0000001X", "某某建设有限公司"), []));
        await engine.ExecuteAsync(new Accept(applied.At("accept").Id, new Actor("window", "window")));
        clock.SetBeijing("2025-11-10 17:31");
        await new TimerPump(engine, Store).PumpAsync();
        await new TimerPump(engine, Store).PumpAsync();

        await using var receiver = await StartReceiverAsync();
        await SubscribeAsync(receiver.Url.ToString(), department: department, kinds: "case-overdue");
        await SubscribeAsync(WebhookReceiver.ClosedPortUrl(), department: "别的局");
        var sent = await Dispatcher().RunOnceAsync();

        Assert.Equal(new SendSummary(1, 1, 0, 0), sent);
        var post = JsonNode.Parse(Assert.Single(receiver.Received).Text)!;
        Assert.Equal(("case-overdue", department, applied.CaseId.ToString()), ((string?)post["kind"], (string?)post["recipient"], (string?)post["caseId"]));
        Assert.Contains("超", (string?)post["body"]);
        await using var db = Store.CreateContext();
        var message = Assert.Single(await db.UserMessages.AsNoTracking().Where(m => m.Department == department && m.Kind == "case-overdue").ToListAsync());
        Assert.Equal((applied.CaseId, "case-overdue", (string?)post["subject"]), (message.CaseId, message.Kind, message.Subject));
    }

    // ---------- helpers ----------

    private DateTime Now => CaseEngine.Truncate(Clock.GetUtcNow().UtcDateTime);

    /// <summary>A dispatcher as a server process has one: from its own container, with the test's clock as TimeProvider.</summary>
    private NotificationDispatcher Dispatcher(Dictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?> { ["Bpm:Notifications:TimeoutMs"] = "3000" };
        foreach (var (key, value) in settings ?? []) configuration[key] = value;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output))
            .SetMinimumLevel(LogLevel.Information).AddFilter("System.Net.Http", LogLevel.Warning));
        services.AddSingleton(Store);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        var container = services.BuildServiceProvider();
        _cleanup.Add(container);
        return container.GetRequiredService<NotificationDispatcher>();
    }

    private async Task<WebhookReceiver> StartReceiverAsync(Func<int, CancellationToken, Task<int>>? respond = null) =>
        await WebhookReceiver.StartAsync(respond);

    private async Task<Guid> SubscribeAsync(string url, string? department = null, string? kinds = null, bool active = true)
    {
        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(), Url = url, Secret = Secret, Department = department, Kinds = kinds, Active = active,
            CreatedBy = "admin", CreatedAt = Now,
        };
        await using var db = Store.CreateContext();
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync();
        return subscription.Id;
    }

    private int _outboxSeq;

    private async Task<OutboxMessage> OutboxAsync(string department, string kind = "case-overdue")
    {
        var message = new OutboxMessage
        {
            Id = Guid.CreateVersion7(), CaseId = Guid.CreateVersion7(), Kind = kind, Recipient = department, Subject = "办件超期通知",
            Body = $"{department}：办件已超过承诺时限，请立即办理。", CreatedAt = Now.AddMilliseconds(Interlocked.Increment(ref _outboxSeq)),
        };
        await using var db = Store.CreateContext();
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync();
        return message;
    }

    private async Task<WebhookDelivery> DeliveryAsync()
    {
        await using var db = Store.CreateContext();
        return await db.WebhookDeliveries.AsNoTracking().SingleAsync();
    }

    private async Task<List<WebhookAttempt>> AttemptsAsync(Guid delivery)
    {
        await using var db = Store.CreateContext();
        return await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == delivery).OrderBy(a => a.Attempt).ToListAsync();
    }
}

public sealed class SqliteNotificationDispatcherScenarios(ITestOutputHelper output) : NotificationDispatcherScenarios(StorageProvider.Sqlite, output);

public sealed class PostgresNotificationDispatcherScenarios(ITestOutputHelper output) : NotificationDispatcherScenarios(StorageProvider.Postgres, output);

public sealed class NotificationRegistrationTests
{
    [Fact]
    public void The_dispatcher_runs_as_a_hosted_service_unless_disabled_and_takes_the_containers_clock()
    {
        static ServiceProvider Build(string? enabled, TimeProvider? clock)
        {
            var services = new ServiceCollection().AddLogging();
            services.AddSingleton(BpmStorage.Sqlite("Data Source=unused.db"));
            if (clock is not null) services.AddSingleton(clock);
            var settings = new Dictionary<string, string?> { ["Bpm:Notifications:Enabled"] = enabled, ["Bpm:Notifications:IntervalMs"] = "250" };
            return services.AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        }

        using var enabled = Build(null, null);
        Assert.IsType<NotificationDispatcher>(Assert.Single(enabled.GetServices<IHostedService>()));
        Assert.Same(TimeProvider.System, enabled.GetRequiredService<TimeProvider>());
        Assert.Equal(TimeSpan.FromMilliseconds(250), enabled.GetRequiredService<NotificationOptions>().Interval);
        Assert.Equal((8, TimeSpan.FromSeconds(5)), (enabled.GetRequiredService<NotificationOptions>().MaxAttempts, enabled.GetRequiredService<NotificationOptions>().Timeout));

        var manual = new ManualClock(DateTimeOffset.UnixEpoch);
        using var disabled = Build("false", manual);
        Assert.Empty(disabled.GetServices<IHostedService>());
        Assert.Same(manual, disabled.GetRequiredService<TimeProvider>());
        Assert.NotNull(disabled.GetRequiredService<NotificationDispatcher>());
    }

    [Fact]
    public void Backoff_doubles_from_the_base_up_to_the_cap_shortened_by_the_jitter_only()
    {
        var options = new NotificationOptions();
        var dispatcher = new NotificationDispatcher(null!, null!, options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NotificationDispatcher>.Instance);
        foreach (var (failures, nominal) in new[] { (1, 10.0), (2, 20.0), (3, 40.0), (8, 1280.0), (9, 2560.0), (10, 3600.0), (30, 3600.0) })
            for (var i = 0; i < 20; i++)
                Assert.InRange(dispatcher.Backoff(failures).TotalSeconds, nominal * 0.8, nominal);
    }
}

// Notification delivery (webhooks and the in-app message list), written once for both providers. Maintained by hand
// like the others; StorageTests.Schema.cs checks the result against the model.
//
// The outbox itself is unchanged: outbox_messages.sent_at (there since LegalTime, indexed, always NULL so far) now
// means "fanned out": the dispatcher sets it in the transaction that writes the message's user_messages row and its
// webhook_deliveries rows, each of which carries its own delivery state from then on.
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class NotificationsSchema
{
    public const string Id = "20261121000004_Notifications";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        m.CreateTable("webhook_subscriptions", t,
            c => new
            {
                id = c.Uuid(),
                url = c.String(2048),
                secret = c.String(256),
                department = c.String(256, nullable: true),
                kinds = c.Text(nullable: true),
                active = c.Bool(),
                created_by = c.String(128),
                created_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_webhook_subscriptions", x => x.id));

        m.CreateTable("webhook_deliveries", t,
            c => new
            {
                id = c.Uuid(),
                subscription_id = c.Uuid(),
                outbox_message_id = c.Uuid(),
                status = c.String(32),
                attempts = c.Int(),
                next_attempt_at = c.Timestamp(),
                last_status_code = c.Int(nullable: true),
                last_error = c.Text(nullable: true),
                delivered_at = c.Timestamp(nullable: true),
                created_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_webhook_deliveries", x => x.id));

        m.CreateIndex(name: "ux_webhook_deliveries_subscription_id_outbox_message_id", table: "webhook_deliveries",
            columns: ["subscription_id", "outbox_message_id"], unique: true);
        // The sender: WHERE status = 'Pending' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @n, one range scan.
        m.CreateIndex(name: "ix_webhook_deliveries_status_next_attempt_at", table: "webhook_deliveries", columns: ["status", "next_attempt_at"]);

        m.CreateTable("webhook_attempts", t,
            c => new
            {
                id = c.Uuid(),
                delivery_id = c.Uuid(),
                attempt = c.Int(),
                at = c.Timestamp(),
                status_code = c.Int(nullable: true),
                error = c.Text(nullable: true),
                duration_ms = c.Long(),
            },
            constraints: table => table.PrimaryKey("pk_webhook_attempts", x => x.id));

        m.CreateIndex(name: "ix_webhook_attempts_delivery_id_at", table: "webhook_attempts", columns: ["delivery_id", "at"]);

        m.CreateTable("user_messages", t,
            c => new
            {
                id = c.Uuid(),
                outbox_message_id = c.Uuid(),
                department = c.String(256),
                case_id = c.Uuid(),
                kind = c.String(64),
                subject = c.Text(),
                body = c.Text(),
                created_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_user_messages", x => x.id));

        m.CreateIndex(name: "ux_user_messages_outbox_message_id", table: "user_messages", column: "outbox_message_id", unique: true);
        m.CreateIndex(name: "ix_user_messages_department_created_at", table: "user_messages", columns: ["department", "created_at"]);

        m.CreateTable("message_reads", t,
            c => new
            {
                message_id = c.Uuid(),
                user_id = c.String(128),
                read_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_message_reads", x => new { x.message_id, x.user_id }));
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        // Without these tables nothing was delivered: the outbox is undelivered again, as it was before Up (a server
        // that migrates up later fans it out afresh; receivers tell repeats by the message id in the payload).
        m.Sql("UPDATE outbox_messages SET sent_at = NULL;");
        m.DropTable(name: "message_reads");
        m.DropTable(name: "user_messages");
        m.DropTable(name: "webhook_attempts");
        m.DropTable(name: "webhook_deliveries");
        m.DropTable(name: "webhook_subscriptions");
    }
}

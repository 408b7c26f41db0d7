// Electronic-supervision oversight (issue 6, parts 3–7): the 督办 lifecycle on supervision_orders, 预警纠错 rule hits,
// 好差评 ratings with their 差评整改 items, 投诉 complaints and recorded fees. Written once for both providers and
// maintained by hand like the others; StorageTests.Schema.cs checks the result against the model.
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class OversightSchema
{
    public const string Id = "20261121000006_Oversight";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        // ---- supervision_orders: 签收, 反馈 kind, 退回重办, escalation and closing ----
        m.AddColumn<Guid?>(name: "rule_hit_id", table: "supervision_orders", type: t.Uuid, nullable: true);
        m.AddColumn<DateTime?>(name: "signed_at", table: "supervision_orders", type: t.Timestamp, nullable: true);
        m.AddColumn<string>(name: "signed_by", table: "supervision_orders", type: t.String(128), maxLength: 128, nullable: true);
        m.AddColumn<string>(name: "answer_kind", table: "supervision_orders", type: t.String(32), maxLength: 32, nullable: true);
        m.AddColumn<string>(name: "answered_by", table: "supervision_orders", type: t.String(128), maxLength: 128, nullable: true);
        m.AddColumn<int>(name: "returns", table: "supervision_orders", type: t.Int, nullable: false, defaultValue: 0);
        m.AddColumn<DateTime?>(name: "escalated_at", table: "supervision_orders", type: t.Timestamp, nullable: true);
        m.AddColumn<DateTime?>(name: "closed_at", table: "supervision_orders", type: t.Timestamp, nullable: true);
        m.AddColumn<string>(name: "closed_by", table: "supervision_orders", type: t.String(128), maxLength: 128, nullable: true);
        m.AddColumn<string>(name: "conclusion", table: "supervision_orders", type: t.Text, nullable: true);
        // Orders written before this migration changed state last when they were issued (or answered).
        m.AddColumn<DateTime>(name: "status_at", table: "supervision_orders", type: t.Timestamp, nullable: false, defaultValue: new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        m.Sql("UPDATE supervision_orders SET status_at = COALESCE(answered_at, issued_at);");
        m.CreateIndex(name: "ix_supervision_orders_issued_at", table: "supervision_orders", column: "issued_at");

        // The exchange export reads each dataset by its own time, in windows (申请时间, 受理时间, 办结时间, 环节开始时间,
        // 特别程序开始时间): one range scan each instead of a full table scan at a million cases.
        m.CreateIndex(name: "ix_cases_applied_at", table: "cases", column: "applied_at");
        m.CreateIndex(name: "ix_cases_accepted_at", table: "cases", column: "accepted_at");
        m.CreateIndex(name: "ix_cases_ended_at", table: "cases", column: "ended_at");
        m.CreateIndex(name: "ix_node_visits_entered_at", table: "node_visits", column: "entered_at");
        m.CreateIndex(name: "ix_suspensions_started_at", table: "suspensions", column: "started_at");

        m.CreateTable("rule_hits", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                power_code = c.String(64),
                rule = c.String(64),
                level = c.String(32),
                node_id = c.String(128, nullable: true),
                department = c.String(128),
                detail = c.Text(),
                actor = c.String(128),
                at = c.Timestamp(),
                order_id = c.Uuid(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_rule_hits", x => x.id));
        m.CreateIndex(name: "ix_rule_hits_case_id", table: "rule_hits", column: "case_id");
        m.CreateIndex(name: "ix_rule_hits_rule_at", table: "rule_hits", columns: ["rule", "at"]);
        m.CreateIndex(name: "ix_rule_hits_department_at", table: "rule_hits", columns: ["department", "at"]);

        m.CreateTable("ratings", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                power_code = c.String(64),
                stage = c.String(32),
                score = c.Int(),
                text = c.Text(nullable: true),
                channel = c.String(32),
                rated_at = c.Timestamp(),
                department = c.String(128),
                rectification = c.String(32),
                rectify_due = c.Timestamp(nullable: true),
                rectify_light = c.String(32),
                rectified_at = c.Timestamp(nullable: true),
                rectified_by = c.String(128, nullable: true),
                rectification_text = c.Text(nullable: true),
                revisit = c.Text(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_ratings", x => x.id));
        m.CreateIndex(name: "ux_ratings_case_id_stage", table: "ratings", columns: ["case_id", "stage"], unique: true);
        m.CreateIndex(name: "ix_ratings_rated_at", table: "ratings", column: "rated_at");
        m.CreateIndex(name: "ix_ratings_department_rectification", table: "ratings", columns: ["department", "rectification"]);

        m.CreateTable("complaints", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(nullable: true),
                department = c.String(128),
                complainant = c.String(256),
                contact = c.String(256, nullable: true),
                content = c.Text(),
                routed_to = c.String(128),
                received_by = c.String(128),
                received_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_complaints", x => x.id));
        m.CreateIndex(name: "ix_complaints_case_id", table: "complaints", column: "case_id");
        m.CreateIndex(name: "ix_complaints_department_received_at", table: "complaints", columns: ["department", "received_at"]);

        m.CreateTable("fee_charges", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                name = c.String(256),
                basis = c.Text(),
                amount = c.Decimal(18, 2),
                payer = c.String(256),
                charged_by = c.String(128),
                department = c.String(128, nullable: true),
                at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_fee_charges", x => x.id));
        m.CreateIndex(name: "ix_fee_charges_case_id", table: "fee_charges", column: "case_id");
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        m.DropTable(name: "fee_charges");
        m.DropTable(name: "complaints");
        m.DropTable(name: "ratings");
        m.DropTable(name: "rule_hits");
        m.DropIndex(name: "ix_suspensions_started_at", table: "suspensions");
        m.DropIndex(name: "ix_node_visits_entered_at", table: "node_visits");
        m.DropIndex(name: "ix_cases_ended_at", table: "cases");
        m.DropIndex(name: "ix_cases_accepted_at", table: "cases");
        m.DropIndex(name: "ix_cases_applied_at", table: "cases");
        // The states the older server does not know fold back into the ones it does.
        m.Sql("UPDATE supervision_orders SET status = 'Issued' WHERE status IN ('Signed', 'Returned');");
        m.DropIndex(name: "ix_supervision_orders_issued_at", table: "supervision_orders");
        foreach (var column in new[] { "status_at", "conclusion", "closed_by", "closed_at", "escalated_at", "returns", "answered_by", "answer_kind", "signed_by", "signed_at", "rule_hit_id" })
            m.DropColumn(t, "supervision_orders", column);
    }
}

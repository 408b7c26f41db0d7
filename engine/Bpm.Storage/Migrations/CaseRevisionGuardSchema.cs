// The case revision guarded by the database (issue 3): every engine command moves its case from the revision it
// loaded to the next one, and a trigger refuses any update of a case row that does not (a command based on a stale
// revision). Before, EF checked "WHERE revision = @loaded" and counted rows after the statement, which needs an
// explicit transaction around the save to undo the rest; with the check inside the database, a save on PostgreSQL
// is one batch in one implicit transaction (one round trip, no BEGIN/COMMIT) and a stale one fails as a whole with
// SQLSTATE 40001. SQLite gets the same rule (its saves keep their explicit transaction).
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class CaseRevisionGuardSchema
{
    public const string Id = "20261121000008_CaseRevisionGuard";

    /// <summary>What the SQLite trigger's error message says; SaveErrors recognises it.</summary>
    public const string StaleRevision = "bpm: stale case revision";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        if (t == StoreTypes.Postgres)
        {
            m.Sql("""
                CREATE FUNCTION bpm_case_revision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.revision <> OLD.revision + 1 THEN
                        RAISE EXCEPTION 'case % is at revision %; this write was based on revision %', OLD.id, OLD.revision, NEW.revision - 1
                            USING ERRCODE = 'serialization_failure';
                    END IF;
                    RETURN NEW;
                END $$;
                """);
            m.Sql("CREATE TRIGGER cases_revision_guard BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION bpm_case_revision_guard();");
        }
        else
        {
            m.Sql($"""
                CREATE TRIGGER "cases_revision_guard" BEFORE UPDATE ON "cases" FOR EACH ROW
                WHEN NEW."revision" <> OLD."revision" + 1
                BEGIN
                    SELECT RAISE(ABORT, '{StaleRevision}');
                END;
                """);
        }
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        if (t == StoreTypes.Postgres)
        {
            m.Sql("DROP TRIGGER cases_revision_guard ON cases;");
            m.Sql("DROP FUNCTION bpm_case_revision_guard();");
        }
        else
        {
            m.Sql("DROP TRIGGER \"cases_revision_guard\";");
        }
    }
}

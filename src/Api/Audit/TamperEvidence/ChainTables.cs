using Weasel.Postgresql.Tables;

namespace FlutHilfe.Api.Audit.TamperEvidence;

/// <summary>
/// The chain's own tables beside Marten's (created by <c>resources setup</c> and at start-up like every Marten object):
/// one link (the chain hash) per sealed event, and the signed checkpoints.
/// </summary>
public static class ChainTables
{
    public const string Links = "audit_chain";
    public const string Checkpoints = "audit_checkpoints";

    public static Table LinksTable(string schema)
    {
        var table = new Table($"{schema}.{Links}");
        table.AddColumn<long>("seq_id").AsPrimaryKey();
        table.AddColumn("hash", "bytea").NotNull();
        return table;
    }

    public static Table CheckpointsTable(string schema)
    {
        var table = new Table($"{schema}.{Checkpoints}");
        table.AddColumn<long>("seq_id").AsPrimaryKey();
        table.AddColumn("hash", "bytea").NotNull();
        table.AddColumn<long>("events").NotNull();
        table.AddColumn("signed_at", "timestamp with time zone").NotNull();
        table.AddColumn<string>("key_id").NotNull();
        table.AddColumn("signature", "bytea").NotNull();
        return table;
    }
}

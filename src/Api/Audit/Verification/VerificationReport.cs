namespace FlutHilfe.Api.Audit.Verification;

/// <summary>
/// One difference verification found. <see cref="Area"/>: <c>projection</c> (a stored document differs from the replay),
/// <c>chain</c> (an event does not match its sealed hash, is missing, or appeared inside the sealed range),
/// <c>checkpoint</c> (a bad signature or a hash that disagrees), <c>document</c> (a voucher whose bytes no longer match the
/// SHA-256 recorded in its event).
/// </summary>
public sealed record Difference(string Area, string? DocumentType, string? Id, string? Path, string? Stored, string? Replayed, long? Sequence, string Message);

public sealed record ProjectionCount(string DocumentType, string Projection, string Lifecycle, long ReplayedUpToSequence, long Documents);

public sealed record VerificationReport(
    bool Ok,
    DateTimeOffset VerifiedAt,
    long Events,
    long LastSequence,
    IReadOnlyList<ProjectionCount> Projections,
    IReadOnlyList<string> ProjectionsNotVerified,
    long SealedEvents,
    long UnsealedEvents,
    int CheckpointsChecked,
    int DocumentsChecked,
    double Seconds,
    IReadOnlyList<Difference> Differences,
    bool DifferencesTruncated);

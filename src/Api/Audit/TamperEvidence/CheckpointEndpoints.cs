using FlutHilfe.Api.Audit.Export;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.TamperEvidence;

public sealed record CheckpointView(long Sequence, string Hash, long Events, DateTimeOffset SignedAt, string KeyId, string Signature)
{
    public static CheckpointView Of(Checkpoint c) => new(c.Sequence, Convert.ToHexStringLower(c.Hash), c.Events, c.SignedAt, c.KeyId, Convert.ToBase64String(c.Signature));
}

public sealed record SealView(long NewLinks, long LastSequence, long Links, IReadOnlyList<CheckpointView> Checkpoints);

public sealed record PublicKeyView(string KeyId, string Algorithm, string Pem);

public sealed record PublicKeysView(string? SigningKeyId, IReadOnlyList<PublicKeyView> Keys, string SignedMessage, string ChainedBytes);

public static class CheckpointEndpoints
{
    [WolverinePost("/api/audit/checkpoints", OperationId = "sealChain")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Extend the hash chain over the events recorded since and sign a checkpoint now (treasurer)")]
    public static async Task<IResult> Seal(ChainSealer sealer, CheckpointKeys keys, CancellationToken ct)
    {
        if (!keys.CanSign) return Results.Problem(Problem.Of(409, "No signing key", "No checkpoint signing key is configured (Audit:CheckpointSigningKey)."));
        var result = await sealer.SealAsync(checkpointNow: true, ct);
        if (!result.Sealed) return Results.Problem(Problem.Of(409, "Busy", "Another node is sealing the chain right now; try again in a moment."));
        return Results.Ok(new SealView(result.NewLinks, result.LastSequence, result.Links, result.Checkpoints.Select(CheckpointView.Of).ToList()));
    }

    [WolverineGet("/api/audit/checkpoints", OperationId = "getCheckpoints")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The signed checkpoints of the hash chain (treasurer, auditor)")]
    public static async Task<IReadOnlyList<CheckpointView>> List(EventCatalogue catalogue, CancellationToken ct)
    {
        await using var connection = await catalogue.OpenAsync(ct);
        return (await ChainSealer.CheckpointsAsync(connection, catalogue.Schema, ct)).Select(CheckpointView.Of).ToList();
    }

    [WolverineGet("/api/audit/public-keys", OperationId = "getCheckpointKeys")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The public keys that checkpoints are signed with (PEM), to check them offline (treasurer, auditor)")]
    public static PublicKeysView Keys(CheckpointKeys keys)
        => new(keys.SigningKeyId, keys.PublicKeys.Select(k => new PublicKeyView(k.Key, "ECDSA P-256, SHA-256, signature r||s (IEEE P1363)", k.Value)).ToList(),
            "UTF-8 of: fluthilfe-checkpoint/1 LF sequence LF hash (hex) LF events LF signedAt (yyyy-MM-ddTHH:mm:ss.ffffffZ)",
            "hash_n = SHA-256(hash_{n-1} || UTF-8 of: fluthilfe-event/1 LF sequence LF streamId LF version LF type LF recordedAt LF data), hash_0 = 32 zero bytes; the values as in GET /api/audit/events");
}

using System.Text.Json;
using JasperFx.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Audit.Verification;

public enum AuditAction
{
    Verify,
    Seal,
}

public sealed class AuditInput : NetCoreInput
{
    [Description("verify: replay and compare every projection, recompute the hash chain and check checkpoints; seal: extend the chain and sign a checkpoint")]
    public string Action { get; set; } = "verify";

    [Description("Write the whole report as JSON to this file")]
    [FlagAlias("json", 'j')]
    public string? JsonFlag { get; set; }
}

/// <summary>
/// <c>dotnet run --project src/Api -- audit verify</c> (exit code 1 on any difference) and <c>audit seal</c>. Builds the
/// service's host without starting it (no web server, no daemon) and uses the same verifier as <c>GET /api/audit/verify</c>.
/// </summary>
[Description("Verify the event log, the projections and the hash chain (audit verify), or seal the chain now (audit seal)", Name = "audit")]
public sealed class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    public AuditCommand() => Usage("Verify or seal").Arguments(x => x.Action);

    public override async Task<bool> Execute(AuditInput input)
    {
        if (input.Action.Trim().ToLowerInvariant() is not ("verify" or "seal"))
        {
            await Console.Error.WriteLineAsync("usage: audit verify [--json report.json] | audit seal");
            return false;
        }
        using var host = input.BuildHost();
        var action = input.Action.Trim().Equals("seal", StringComparison.OrdinalIgnoreCase) ? AuditAction.Seal : AuditAction.Verify;
        return await RunAsync(host.Services, action, input.JsonFlag, Console.Out, CancellationToken.None);
    }

    /// <summary>The command's work on a service provider (also what tests call); true when nothing differs.</summary>
    public static async Task<bool> RunAsync(IServiceProvider services, AuditAction action, string? jsonFile, TextWriter output, CancellationToken ct)
    {
        if (action == AuditAction.Seal)
        {
            var result = await services.GetRequiredService<TamperEvidence.ChainSealer>().SealAsync(checkpointNow: true, ct);
            await output.WriteLineAsync(result.Sealed
                ? $"Sealed {result.NewLinks} new events; the chain covers {result.Links} events up to sequence {result.LastSequence}; {result.Checkpoints.Count} checkpoint(s) signed."
                : "Another node is sealing the chain right now; try again.");
            return result.Sealed;
        }

        var report = await services.GetRequiredService<AuditVerifier>().VerifyAsync(ct);
        if (jsonFile is not null)
            await File.WriteAllTextAsync(jsonFile, JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), ct);
        await output.WriteLineAsync($"Events: {report.Events} (last sequence {report.LastSequence}); sealed {report.SealedEvents}, not yet sealed {report.UnsealedEvents}; "
                                    + $"checkpoints checked {report.CheckpointsChecked}; vouchers checked {report.DocumentsChecked}; {report.Seconds:0.###} s.");
        foreach (var p in report.Projections)
            await output.WriteLineAsync($"  {p.DocumentType,-22} {p.Lifecycle,-7} {p.Documents,9} documents replayed up to sequence {p.ReplayedUpToSequence}");
        foreach (var d in report.Differences)
            await output.WriteLineAsync($"DIFFERENCE [{d.Area}] {d.Message}");
        if (report.DifferencesTruncated) await output.WriteLineAsync($"… more differences; the first {AuditVerifier.DifferencesMax} are listed.");
        await output.WriteLineAsync(report.Ok ? "OK: no differences." : $"FAILED: {report.Differences.Count}{(report.DifferencesTruncated ? "+" : "")} difference(s).");
        return report.Ok;
    }
}

namespace FlutHilfe.Bench.Drills;

internal static class PgRestartDrill
{
    public static Task<DrillRun> RunAsync(DrillSettings s, int number, CancellationToken ct) => throw new NotImplementedException();
}

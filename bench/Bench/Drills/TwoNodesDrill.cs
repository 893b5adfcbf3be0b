namespace FlutHilfe.Bench.Drills;

internal static class TwoNodesDrill
{
    public static Task<DrillRun> RunAsync(DrillSettings s, int number, CancellationToken ct) => throw new NotImplementedException();
}

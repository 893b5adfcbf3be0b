using FlutHilfe.Bench;

// bench pledges   --url http://127.0.0.1:5080 --count 10000 --concurrency 16 --appeal freude-schenken-2021
// bench coldstart --dll .bench/api/FlutHilfe.Api.dll --url http://127.0.0.1:5091 [--runs 3] [--connection "..."]
// bench wait      --url http://127.0.0.1:5090 [--timeout 120]
// bench receipts  --dll .bench/api/FlutHilfe.Api.dll --url http://127.0.0.1:5094 --count 1000   (starts SMTP sink + service itself)
// Figures go to stdout as markdown; progress and diagnostics go to stderr.
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.Out.WriteLine(Usage.Text);
        return args.Length == 0 ? 2 : 0;
    }

    var options = Options.Parse(args.Skip(1));
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };

    return args[0] switch
    {
        "pledges" => await PledgeBenchmark.RunAsync(options, cancel.Token),
        "coldstart" => await ColdStartBenchmark.RunAsync(options, cancel.Token),
        "wait" => await Health.WaitCommandAsync(options, cancel.Token),
        "receipts" => await ReceiptBenchmark.RunAsync(options, cancel.Token),
        _ => Usage.Fail($"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    return Usage.Fail(e.Message);
}

internal static class Usage
{
    public const string Text = """
        usage:
          bench pledges   --url URL [--count 10000] [--concurrency 16] [--appeal freude-schenken-2021]
                          [--warmup 200] [--timeout-seconds 600]
          bench coldstart --dll PATH/FlutHilfe.Api.dll [--url http://127.0.0.1:5091] [--runs 3]
                          [--connection CONNSTRING] [--appeal freude-schenken-2021] [--timeout-seconds 180] [--log PATH]
          bench wait      --url URL [--timeout-seconds 120]
          bench receipts  --dll PATH/FlutHilfe.Api.dll [--url http://127.0.0.1:5094] [--count 1000] [--concurrency 8]
                          [--schema bench3] [--appeal freude-schenken-2021] [--connection CONNSTRING] [--renders 50]
                          [--stall-seconds 60] [--timeout-seconds 1800] [--log PATH]
        """;

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"bench: {message}");
        Console.Error.WriteLine(Text);
        return 2;
    }
}

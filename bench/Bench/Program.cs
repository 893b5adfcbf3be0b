using FlutHilfe.Bench;

// bench pledges   --url http://127.0.0.1:5080 --count 10000 --concurrency 16 --appeal freude-schenken-2021
// bench coldstart --dll .bench/api/FlutHilfe.Api.dll --url http://127.0.0.1:5091 [--runs 3] [--connection "..."]
// bench wait      --url http://127.0.0.1:5090 [--timeout 120]
// bench import-pledges --url URL --count 50000 --out .bench/import-pledges.tsv
// bench import    --url URL --token TOKEN --pledges .bench/import-pledges.tsv --count 100000 --pid PID
// bench balance   --url URL --token TOKEN --municipality stolberg --pledges 20000 --concurrency 16
// bench rebuild   --streams 500000 [--schema bench_rebuild] [--connection "..."]
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
        "import-pledges" => await ImportBenchmark.CreatePledgesAsync(options, cancel.Token),
        "import" => await ImportBenchmark.RunAsync(options, cancel.Token),
        "balance" => await BalanceBenchmark.RunAsync(options, cancel.Token),
        "rebuild" => await RebuildBenchmark.RunAsync(options, cancel.Token),
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
          bench import-pledges --url URL [--count 50000] [--concurrency 16] [--out PATH] [--appeal freude-schenken-2021]
          bench import    --url URL --token TOKEN --pledges PATH [--count 100000] [--pid SERVICE_PID] [--file PATH]
                          [--iban DE89370400440532013000] [--repeat 2] [--payer-details false] [--indent false] [--skip-pledges 0] [--idempotency-key false]
                          [--settle-seconds 300] [--timeout-seconds 1800]
          bench balance   --url URL --token TOKEN [--municipality stolberg] [--appeal freude-schenken-2021]
                          [--pledges 20000] [--concurrency 16] [--baseline-samples 2000] [--min-samples 2000]
          bench rebuild   [--streams 500000] [--batch 5000] [--writers 2] [--schema bench_rebuild]
                          [--connection CONNSTRING] [--keep false]
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

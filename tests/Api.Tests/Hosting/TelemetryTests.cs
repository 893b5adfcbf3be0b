using System.Diagnostics;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Telemetry;
using FlutHilfe.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Trace;

namespace FlutHilfe.Api.Tests.Hosting;

public sealed class TelemetryFixture : AppFixture
{
    /// <summary>Every span the host's tracer provider exported (all hosts of this process share the activity sources: filter by trace id).</summary>
    public List<Activity> Spans { get; } = [];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Telemetry:Enabled"] = "true" };

    protected override void ConfigureServices(IServiceCollection services)
        => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));

    public List<Activity> Trace(ActivityTraceId id)
    {
        lock (Spans) return Spans.Where(s => s.TraceId == id).ToList();
    }
}

/// <summary>
/// OpenTelemetry: one pledge is one trace from the HTTP request through the event append; an import's receipt work
/// continues the same trace through the outbox; the business metrics count committed facts only.
/// </summary>
public class TelemetryTests(TelemetryFixture app) : IClassFixture<TelemetryFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await app.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static readonly object Donor = new { name = "Anna Beispiel", street = "Weg 1", postalCode = "52062", city = "Aachen", country = "DE" };

    /// <summary>The spans of a trace, each with the chain of its ancestors inside the trace up to the root span.</summary>
    private static List<Activity> Ancestry(List<Activity> trace, Activity span)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        var chain = new List<Activity>();
        for (var current = span; current is not null; current = byId.GetValueOrDefault(current.ParentSpanId)) chain.Add(current);
        return chain;
    }

    private async Task<List<Activity>> TraceWhenAsync(ActivityTraceId id, Func<List<Activity>, bool> complete)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!complete(app.Trace(id)))
        {
            if (timeout.IsCancellationRequested)
                throw new TimeoutException("The trace stayed incomplete: " + string.Join("; ", app.Trace(id).Select(s => $"{s.Source.Name} {s.DisplayName} {s.Kind} {s.GetTagItem("messaging.destination")}")));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return app.Trace(id);
    }

    private static bool Appends(Activity span)
        => span.Source.Name == "Npgsql" && (span.GetTagItem("db.query.text") as string)?.Contains("mt_quick_append_events", StringComparison.Ordinal) == true;

    [Fact]
    public async Task one_pledge_is_one_trace_from_the_http_request_through_the_event_append()
    {
        await app.OpenAppealAsync();
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 2_500, receiptWanted = true, donor = Donor }).ToUrl("/api/appeals/freude-schenken-2021/donations");
            s.WithRequestHeader("traceparent", $"00-{trace}-{caller}-01");
            s.StatusCodeShouldBe(201);
        });

        var spans = await TraceWhenAsync(trace, t => t.Any(s => s.Kind == ActivityKind.Server) && t.Any(Appends));
        var request = spans.Single(s => s.Kind == ActivityKind.Server);
        request.DisplayName.ShouldBe("POST /api/appeals/{appealId}/donations");
        request.ParentSpanId.ShouldBe(caller);
        request.GetTagItem("http.response.status_code").ShouldBe(201);
        // Every span of the trace hangs below the request: the appeal read and the append of the pledge (Marten → Npgsql).
        foreach (var span in spans.Where(s => s != request)) Ancestry(spans, span).ShouldContain(request, span.DisplayName);
        var append = spans.Single(Appends);
        Ancestry(spans, append).Select(s => s.Source.Name).ShouldBe(["Npgsql", "Marten", "Microsoft.AspNetCore"]);
    }

    [Fact]
    public async Task an_imports_receipt_work_continues_the_requests_trace_through_the_outbox()
    {
        await app.OpenAppealAsync();
        var pledge = await app.PledgeAsync(new { amountCents = 2_500, receiptWanted = true, donor = Donor });
        var trace = ActivityTraceId.CreateRandom();
        var body = CamtWriter.Write053v08("T1", Requests.AppealIban,
            [new GeneratedCredit(2_500, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString())]);
        await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/bank-statements");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(body);
                c.Request.ContentLength = body.Length;
                c.Request.ContentType = "application/xml";
            });
            s.WithBearer(app.Token("treasurer"));
            s.WithRequestHeader("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            s.StatusCodeShouldBe(200);
        });

        static bool Handles(Activity s, string message) => s.Source.Name == "Wolverine" && s.DisplayName.EndsWith(message, StringComparison.Ordinal);
        static bool SendsReceipts(Activity s) => s.Kind == ActivityKind.Producer && s.GetTagItem("messaging.destination")?.ToString() == "local://receipts/";
        var spans = await TraceWhenAsync(trace, t => t.Any(s => Handles(s, "DeliverReceipts")) && t.Any(s => s.Kind == ActivityKind.Server) && t.Any(SendsReceipts));
        var request = spans.Single(s => s.Kind == ActivityKind.Server);
        request.DisplayName.ShouldBe("POST /api/bank-statements");
        // The request's handler appends the payment and puts the receipt message into the outbox (a producer span) …
        var import = spans.Single(s => Handles(s, "ImportBankStatements"));
        Ancestry(spans, import).ShouldContain(request);
        var sent = spans.Where(SendsReceipts).ShouldHaveSingleItem();
        Ancestry(spans, sent).ShouldContain(import);
        // … whose handler, later and on another thread, continues the same trace: it appends the receipt and hands the
        // delivery on, again through the outbox.
        var issue = spans.Single(s => Handles(s, "IssueReceipt"));
        Ancestry(spans, issue).ShouldContain(request);
        spans.Where(Appends).ShouldContain(s => Ancestry(spans, s).Contains(issue));
        Ancestry(spans, spans.Single(s => Handles(s, "DeliverReceipts"))).ShouldContain(issue);
    }

    [Fact]
    public async Task the_business_metrics_count_committed_facts_once()
    {
        var metrics = app.Host.Services.GetRequiredService<BusinessMetrics>();
        using var pledges = new MetricCollector<long>(metrics.Meter, "fluthilfe.pledges");
        using var pledged = new MetricCollector<long>(metrics.Meter, "fluthilfe.pledged.amount");
        using var received = new MetricCollector<long>(metrics.Meter, "fluthilfe.received.amount");
        using var receipts = new MetricCollector<long>(metrics.Meter, "fluthilfe.receipts.issued");
        using var imports = new MetricCollector<double>(metrics.Meter, "fluthilfe.import.duration");
        await app.OpenAppealAsync();

        var pledge = await app.PledgeAsync(new { amountCents = 2_500, receiptWanted = true, donor = Donor });
        await app.PledgeAsync(new { amountCents = 1_000 });
        // A refused pledge is no fact: it counts nothing.
        await app.Host.Scenario(s => { s.Post.Json(new { amountCents = 0 }).ToUrl("/api/appeals/freude-schenken-2021/donations"); s.StatusCodeShouldBe(422); });
        pledges.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(2);
        pledged.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(3_500);
        pledges.LastMeasurement!.Tags["appeal"].ShouldBe("freude-schenken-2021");

        var statement = CamtWriter.Write053v08("M1", Requests.AppealIban,
            [new GeneratedCredit(2_500, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString())]);
        await app.ImportAsync(statement);
        await receipts.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        // The same statement again: all duplicates, no money counted twice, no second receipt.
        (await app.ImportAsync(statement)).GetProperty("duplicates").GetInt32().ShouldBe(1);

        received.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(2_500);
        receipts.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(1);
        var durations = imports.GetMeasurementSnapshot();
        durations.Count.ShouldBe(2);
        durations.Select(m => m.Tags["all_duplicates"]).ShouldBe([false, true]);
        durations.ShouldAllBe(m => m.Value > 0);
    }


    [Theory]
    [InlineData("Production", "json")]
    [InlineData("Development", "simple")]
    public void the_console_log_is_json_outside_development(string environment, string formatter)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = environment });
        builder.AddFlutHilfeTelemetry();
        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>>().CurrentValue;
        (options.FormatterName ?? "simple").ShouldBe(formatter);
        // Without an OTLP endpoint or Telemetry:Enabled nothing collects traces.
        services.GetService<TracerProvider>().ShouldBeNull();
    }
}

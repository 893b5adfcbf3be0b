using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlutHilfe.Api.Receipts;
using FlutHilfe.BankFiles;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using netDumbster.smtp;

namespace FlutHilfe.Api.Tests.Receipts;

/// <summary>A host that mails through a real SMTP server on loopback.</summary>
public sealed class ReceiptFixture : AppFixture
{
    public SimpleSmtpServer Smtp { get; } = SimpleSmtpServer.Start(FreePort());

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Receipts:VerificationKey"] = "test-verification-key-of-the-receipt-tests-0123456789",
        ["Receipts:PublicBaseUrl"] = "https://spenden.example.org",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public class ReceiptTests(ReceiptFixture app) : IClassFixture<ReceiptFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        app.Smtp.ClearReceivedEmail();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static object Donor(string name = "Jürgen Müller", string? email = "jm@example.org") =>
        new { name, street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email };

    private async Task<(Guid Id, string Reference, string DonorUrl, string Token)> Pledge(long cents, bool receiptWanted = true, object? donor = null)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, donor = donor ?? Donor(), receiptWanted });
        var url = pledge.GetProperty("donorUrl").GetString()!;
        return (pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!, url, Uri.UnescapeDataString(url.Split("token=")[1]));
    }

    private Task Pay(params (string Reference, long Cents)[] payments)
        => app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            payments.Select(p => new GeneratedCredit(p.Cents, Day, StructuredReference: p.Reference)).ToList()));

    private async Task<JsonElement> Eventually(string url, Func<JsonElement, bool> done, string? token = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            var json = token is null ? await app.Host.GetAsJson<JsonElement>(url) : await app.Host.GetAsJsonAs(token, url);
            if (done(json)) return json;
            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task WaitForMails(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (app.Smtp.ReceivedEmailCount < count)
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    private static async Task Invoke(IServiceProvider services, object message)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(message, TestContext.Current.CancellationToken);
    }

    private async Task<JsonElement> Register()
        => await app.Host.GetAsJsonAs(app.Token("auditor"), $"/api/receipts?year={DateTimeOffset.UtcNow.Year}");

    private async Task<byte[]> Pdf(string url)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("application/pdf");
        });
        return await result.ReadAsBytesAsync();
    }

    [Fact]
    public async Task a_paid_donation_gets_exactly_one_receipt_as_pdf_and_by_mail()
    {
        var (_, reference, donorUrl, token) = await Pledge(124_600);
        await Pay((reference, 124_600));

        var view = await Eventually(donorUrl, v => v.GetProperty("receiptNumber").ValueKind == JsonValueKind.String);
        var number = view.GetProperty("receiptNumber").GetString()!;
        number.ShouldMatch(@"^\d{4}-000001$");
        await WaitForMails(1);

        var pdf = await Pdf(view.GetProperty("receiptPdfUrl").GetString()!);
        if (Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR") is { Length: > 0 } samples) await File.WriteAllBytesAsync(Path.Combine(samples, "receipt.pdf"), pdf, TestContext.Current.CancellationToken);
        var pages = PdfPages.Text(pdf);
        pages.Count.ShouldBe(1);
        PdfPages.FirstPageSize(pdf).ShouldBe((595, 842));
        var text = pages[0];
        foreach (var expected in new[]
        {
            "Bestätigung über Geldzuwendungen", "Region Aachen Zweckverband", "Jürgen Müller", "Kaiserplatz 1", "52146 Würselen",
            "1.246,00 €", "eintausendzweihundertsechsundvierzig Euro", "20.11.2021", "Nein", number,
            "haftet für die entgangene Steuer", "maschinell erstellt",
        })
        {
            text.ShouldContain(expected, Case.Sensitive, $"missing '{expected}' in: {text}");
        }
        text.ShouldNotContain("KOPIE");

        var mail = app.Smtp.ReceivedEmail.Single();
        mail.ToAddresses.Single().Address.ShouldBe("jm@example.org");
        mail.Subject.ShouldContain(number);
        mail.MessageParts.ShouldContain(p => p.HeaderData.Contains("application/pdf"));

        // The verification QR code on the page leads to "valid".
        var qr = QrDecoder.Decode(await PdfPages.RenderFirstPageAsync(pdf, 200), pure: false);
        // The QR code opens the human-readable page (see VerificationPageTests); the JSON check takes the same code.
        qr.ShouldNotBeNull().ShouldStartWith($"https://spenden.example.org/belege/{number}/pruefen?c=");
        var verification = await app.Host.GetAsJson<JsonElement>($"/api/receipts/{number}/verify?c={qr.Split("?c=")[1]}");
        verification.GetProperty("status").GetString().ShouldBe("valid");
        verification.GetProperty("amountCents").GetInt64().ShouldBe(124_600);
        verification.ToString().ShouldNotContain("Müller");

        // A copy re-renders the frozen fact and says so.
        var copy = PdfPages.Text(await Pdf(view.GetProperty("receiptPdfUrl").GetString()! + "&copy=true"))[0];
        copy.ShouldContain("KOPIE");
        copy.ShouldContain("Jürgen Müller");

        // Only the donor link, the treasurer and the auditor may fetch it.
        await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf?token=wrong"); s.StatusCodeShouldBe(404); });
        await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf"); s.WithBearer(app.Token("auditor")); s.StatusCodeShouldBeOk(); });
        token.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task cancelling_and_reissuing_gives_a_new_number_that_refers_to_the_old()
    {
        var (_, reference, donorUrl, _) = await Pledge(2_000, donor: Donor(email: null));
        await Pay((reference, 2_000));
        var number = (await Eventually(donorUrl, v => v.GetProperty("receiptNumber").ValueKind == JsonValueKind.String)).GetProperty("receiptNumber").GetString()!;

        var treasurer = app.Token("treasurer");
        await app.Host.Scenario(s => { s.Post.Json(new { reason = "Adresse falsch" }).ToUrl($"/api/receipts/{number}/cancel"); s.WithBearer(treasurer); s.StatusCodeShouldBeOk(); });
        (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("receiptNumber").ValueKind.ShouldBe(JsonValueKind.Null);

        var reissued = await (await app.Host.Scenario(s => { s.Post.Json(new { }).ToUrl($"/api/receipts/{number}/reissue"); s.WithBearer(treasurer); s.StatusCodeShouldBe(201); }))
            .ReadAsJsonAsync<JsonElement>();
        var newNumber = reissued.GetProperty("number").GetString()!;
        newNumber.ShouldNotBe(number);

        var register = (await Register()).GetProperty("receipts").EnumerateArray().ToDictionary(r => r.GetProperty("number").GetString()!);
        register[number].GetProperty("state").GetString().ShouldBe("cancelled");
        register[number].GetProperty("replacedBy").GetString().ShouldBe(newNumber);
        register[newNumber].GetProperty("replacesNumber").GetString().ShouldBe(number);
        var text = PdfPages.Text(await Pdf($"/api/receipts/{newNumber}.pdf?token=" + Uri.EscapeDataString(donorUrl.Split("token=")[1])))[0];
        text.ShouldContain($"ersetzt die Zuwendungsbestätigung Nr. {number}");
        (await app.Host.GetAsJson<JsonElement>($"/api/receipts/{number}/verify?c={app.Host.Services.GetRequiredService<ReceiptSettings>().VerificationCode(number)}"))
            .GetProperty("status").GetString().ShouldBe("cancelled");
    }

    [Fact]
    public async Task a_bank_return_cancels_the_receipt_and_tells_the_treasurer()
    {
        var (_, reference, donorUrl, _) = await Pledge(3_000, donor: Donor(email: null));
        await Pay((reference, 3_000));
        var number = (await Eventually(donorUrl, v => v.GetProperty("receiptNumber").ValueKind == JsonValueKind.String)).GetProperty("receiptNumber").GetString()!;

        await app.ImportAsync(CamtWriter.Write053v08("R1", Requests.AppealIban,
            [new GeneratedCredit(3_000, Day.AddDays(5), StructuredReference: reference, Direction: CreditDebit.Debit, ReturnReasonCode: "MD06")]));

        await Eventually($"/api/receipts?year={DateTimeOffset.UtcNow.Year}",
            r => r.GetProperty("receipts")[0].GetProperty("state").GetString() == "cancelled", app.Token("auditor"));
        var notices = await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/notices");
        notices.EnumerateArray().Single().GetProperty("receiptNumber").GetString().ShouldBe(number);
    }

    [Fact]
    public async Task a_collective_receipt_covers_several_donations_of_one_donor_once()
    {
        var a = await Pledge(1_000, receiptWanted: false, donor: Donor(email: null));
        var b = await Pledge(2_500, receiptWanted: false, donor: Donor(email: null));
        var stranger = await Pledge(700, receiptWanted: false, donor: Donor("Erika Mustermann", null));
        await Pay((a.Reference, 1_000), (b.Reference, 2_500), (stranger.Reference, 700));
        var treasurer = app.Token("treasurer");

        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationIds = new[] { a.Id, stranger.Id }, from = "2021-01-01", to = "2021-12-31" }).ToUrl("/api/receipts/collective");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBe(422);
        });
        var issued = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationIds = new[] { a.Id, b.Id }, from = "2021-01-01", to = "2021-12-31" }).ToUrl("/api/receipts/collective");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();
        var number = issued.GetProperty("number").GetString()!;

        var pages = PdfPages.Text(await Pdf($"/api/receipts/{number}.pdf?token=" + Uri.EscapeDataString(a.Token)));
        pages.Count.ShouldBe(2);
        pages[0].ShouldContain("Sammelbestätigung über Geldzuwendungen");
        pages[0].ShouldContain("35,00 €");
        pages[0].ShouldContain("keine weiteren Bestätigungen");
        pages[1].ShouldContain("Anlage zur Sammelbestätigung");
        pages[1].ShouldContain("10,00 €");
        pages[1].ShouldContain("25,00 €");
        pages[1].ShouldContain("Gesamtsumme");
        pages[1].Split("35,00 €").Length.ShouldBe(2, pages[1]);

        // Never on two valid receipts: neither again collectively, nor singly.
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationIds = new[] { b.Id }, from = "2021-01-01", to = "2021-12-31" }).ToUrl("/api/receipts/collective");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBe(409);
        });
        await Invoke(app.Host.Services, new IssueDueReceipts(b.Id));
        (await Register()).GetProperty("issued").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task a_donor_may_ask_for_a_receipt_later_and_small_gifts_say_the_bank_statement_suffices()
    {
        var (_, reference, donorUrl, token) = await Pledge(4_000, receiptWanted: false, donor: new { email = "spaet@example.org" });
        await Pay((reference, 4_000));
        var view = await app.Host.GetAsJson<JsonElement>(donorUrl);
        view.GetProperty("bankStatementSuffices").GetBoolean().ShouldBeTrue();
        view.GetProperty("receiptNote").GetString()!.ShouldContain("Kontoauszug");

        var id = view.GetProperty("donationId").GetString();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/api/donations/{id}/receipt").QueryString("token", token);
            s.StatusCodeShouldBe(422);
        });
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donor = Donor("Späte Spenderin", "spaet@example.org") }).ToUrl($"/api/donations/{id}/receipt").QueryString("token", token);
            s.StatusCodeShouldBe(202);
        });
        await Eventually(donorUrl, v => v.GetProperty("receiptNumber").ValueKind == JsonValueKind.String);
        await WaitForMails(1);
        app.Smtp.ReceivedEmail.Single().ToAddresses.Single().Address.ShouldBe("spaet@example.org");
    }

    [Fact]
    public async Task receipt_facts_keep_the_donor_encrypted()
    {
        var (_, reference, donorUrl, _) = await Pledge(9_900, donor: Donor(email: null));
        await Pay((reference, 9_900));
        var number = (await Eventually(donorUrl, v => v.GetProperty("receiptNumber").ValueKind == JsonValueKind.String)).GetProperty("receiptNumber").GetString()!;
        await using var session = app.Store.QuerySession();
        var issued = (await session.Events.FetchStreamAsync(ReceiptStream.IdFor(number), token: TestContext.Current.CancellationToken))[0].Data.ShouldBeOfType<ReceiptIssued>();
        issued.ProtectedDonor.ShouldNotContain("Müller");
        issued.AmountInWords.ShouldBe("neunundneunzig Euro");
        issued.TemplateVersion.ShouldBe(ReceiptTemplate.Default.Version);
        JsonSerializer.Serialize(issued).ShouldNotContain("Kaiserplatz");
    }
}

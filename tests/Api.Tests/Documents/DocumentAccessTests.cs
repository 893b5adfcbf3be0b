using System.Text.Json;

namespace FlutHilfe.Api.Tests.Documents;

public class DocumentAccessTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static readonly byte[] Pdf = "%PDF-1.4\n% Rechnung\n"u8.ToArray();

    public async ValueTask InitializeAsync() => await app.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<JsonElement> Upload(string token, string fileName)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/documents?fileName=" + Uri.EscapeDataString(fileName));
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(Pdf);
                c.Request.ContentLength = Pdf.Length;
                c.Request.ContentType = "application/pdf";
            });
            s.WithBearer(token);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<IScenarioResult> Download(Guid id, string token, int status)
        => await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/documents/{id}");
            s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task a_document_is_read_by_its_municipality_the_treasurer_and_auditors_only()
    {
        var treasurers = (await Upload(app.Token("treasurer"), "bescheid.pdf")).GetProperty("documentId").GetGuid();
        var stolbergs = (await Upload(app.Token("municipality", "stolberg"), "rechnung.pdf")).GetProperty("documentId").GetGuid();

        await Download(treasurers, app.Token("municipality", "stolberg"), 403);
        await Download(treasurers, app.Token("auditor"), 200);
        await Download(stolbergs, app.Token("municipality", "stolberg"), 200);
        await Download(stolbergs, app.Token("municipality", "eschweiler"), 403);
        await Download(stolbergs, app.Token("treasurer"), 200);
    }

    [Fact]
    public async Task a_document_attached_to_a_municipalitys_spending_is_readable_by_that_clerk()
    {
        await app.OpenAppealAsync();
        await app.PledgeAsync(new { amountCents = 5_000 });
        var pledge = await app.PledgeAsync(new { amountCents = 5_000 });
        await app.ImportAsync(FlutHilfe.TestSupport.CamtWriter.Write053v08("D-1", Requests.AppealIban,
            [new FlutHilfe.TestSupport.GeneratedCredit(5_000, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString())]));
        var allocation = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { municipalityId = "stolberg", amountCents = 3_000, decisionReference = "SI/1", decidedOn = "2021-12-10" }).ToUrl("/api/appeals/freude-schenken-2021/allocations");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();
        // A document without a municipality (a clerk of the allocation attaches one the treasurer sent them).
        var shared = (await Upload(app.Token("treasurer"), "sammelrechnung.pdf")).GetProperty("documentId").GetGuid();
        await Download(shared, app.Token("municipality", "stolberg"), 403);

        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { date = "2021-12-15", payee = "Becker GmbH", payeeIsOrganisation = true, reason = "Material", purposeId = "kita-schulmaterial",
                amountCents = 1_000, voucherNumber = "V-1", documentId = shared }).ToUrl($"/api/allocations/{allocation.GetProperty("allocationId").GetString()}/spending");
            s.WithBearer(app.Token("municipality", "stolberg"));
            s.StatusCodeShouldBe(201);
        });

        await Download(shared, app.Token("municipality", "stolberg"), 200);
        await Download(shared, app.Token("municipality", "eschweiler"), 403);
    }

    [Theory]
    [InlineData("rechnung.pdf", "rechnung.pdf")]
    [InlineData("rechnung", "rechnung.pdf")]
    [InlineData("rechnung\u202Efdp.exe", "rechnungfdp.exe.pdf")]
    [InlineData("SCAN.PDF", "SCAN.PDF")]
    public async Task a_document_is_served_as_an_attachment_named_after_its_checked_type(string uploaded, string served)
    {
        var receipt = await Upload(app.Token("municipality", "stolberg"), uploaded);
        receipt.GetProperty("fileName").GetString().ShouldBe(served);

        var result = await Download(receipt.GetProperty("documentId").GetGuid(), app.Token("treasurer"), 200);
        var disposition = result.Context.Response.Headers.ContentDisposition.ToString();
        disposition.ShouldStartWith("attachment;");
        disposition.ShouldContain($"filename={served}");
        result.Context.Response.Headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
    }

    [Theory]
    [InlineData("zeile\r\nzwei.pdf")]
    [InlineData("../../etc/passwd")]
    [InlineData("a\u0000b.pdf")]
    public async Task a_file_name_with_line_breaks_or_a_path_is_refused(string fileName)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/documents?fileName=" + Uri.EscapeDataString(fileName));
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(Pdf);
                c.Request.ContentLength = Pdf.Length;
                c.Request.ContentType = "application/pdf";
            });
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(422);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("fileName");
    }
}

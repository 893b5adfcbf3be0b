using System.Text.Json;
using FlutHilfe.TestSupport;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Tests.Hostile;

/// <summary>A little of everything through the API, so that generated requests can address real things.</summary>
public static class WorldSeeding
{
    public static async Task<World> SeedAsync(AppFixture app)
    {
        var ct = TestContext.Current.CancellationToken;
        await app.OpenAppealAsync();
        await app.OpenAppealAsync("zum-schliessen", "DE02120300000000202051");
        var receipted = await app.PledgeAsync(new
        {
            amountCents = 5_000, receiptWanted = true,
            donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE", email = "jm@example.org" },
        });
        var plain = await app.PledgeAsync(new { amountCents = 3_000 });
        var unpaid = await app.PledgeAsync(new { amountCents = 700, earmarks = new[] { new { municipalityId = "stolberg", amountCents = 700 } } });
        await app.ImportAsync(CamtWriter.Write053v08("W-1", Requests.AppealIban,
        [
            new GeneratedCredit(5_000, new DateOnly(2021, 11, 20), StructuredReference: receipted.GetProperty("reference").GetString()),
            new GeneratedCredit(3_000, new DateOnly(2021, 11, 20), StructuredReference: plain.GetProperty("reference").GetString()),
            new GeneratedCredit(1_234, new DateOnly(2021, 11, 21), UnstructuredRemittance: "ohne Referenz"),
        ]));

        var treasurer = app.Token("treasurer");
        var unmatched = await app.Host.GetAsJsonAs(treasurer, "/api/payments/unmatched");
        var paymentId = unmatched.EnumerateArray().Single().GetProperty("paymentId").GetString()!;

        var allocation = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { municipalityId = "stolberg", amountCents = 4_000, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" })
                .ToUrl($"/api/appeals/{Requests.AppealId}/allocations");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();
        var allocationId = allocation.GetProperty("allocationId").GetString()!;

        var clerk = app.Token("municipality", "stolberg");
        var pdf = "%PDF-1.4\n% Rechnung\n"u8.ToArray();
        var document = await (await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/documents?fileName=rechnung.pdf");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(pdf);
                c.Request.ContentLength = pdf.Length;
                c.Request.ContentType = "application/pdf";
            });
            s.WithBearer(clerk);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();
        var documentId = document.GetProperty("documentId").GetGuid();

        var item = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new
            {
                date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastelmaterial",
                purposeId = "kita-schulmaterial", amountCents = 1_000, voucherNumber = "V-1", documentId,
            }).ToUrl($"/api/allocations/{allocationId}/spending");
            s.WithBearer(clerk);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();

        var donorUrl = receipted.GetProperty("donorUrl").GetString()!;
        var number = await EventuallyAsync(async () => (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("receiptNumber").GetString(), ct);

        var world = new World();
        var donations = new[] { receipted, plain, unpaid }.Select(d => d.GetProperty("donationId").GetGuid()).ToList();
        world.DonationIds.AddRange(donations);
        world.DocumentIds.Add(documentId);
        world.RouteValues["appealId"] = [Requests.AppealId];
        // Closing is for good: let the generated closings hit a second appeal, so that pledges to the first stay possible.
        world.RouteOverrides[("/api/appeals/{appealId}/close", "appealId")] = ["zum-schliessen"];
        world.RouteValues["donationId"] = donations.Select(d => d.ToString()).ToArray();
        world.RouteValues["paymentId"] = [paymentId];
        world.RouteValues["allocationId"] = [allocationId];
        world.RouteValues["itemId"] = [item.GetProperty("itemId").GetString()!];
        world.RouteValues["number"] = [number];
        world.RouteValues["documentId"] = [documentId.ToString()];
        world.QueryValues["token"] = [Uri.UnescapeDataString(donorUrl.Split("token=")[1])];
        world.QueryValues["fileName"] = ["rechnung.pdf", "scan.jpg"];
        return world;
    }

    private static async Task<string> EventuallyAsync(Func<Task<string?>> read, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await read() is { } value) return value;
            await Task.Delay(50, timeout.Token);
        }
    }
}

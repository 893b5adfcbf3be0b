using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// Every staff page is for its role only: anonymous visitors are sent to the sign-in, other roles get the 403 page, and
/// a clerk sees and touches only the allocations of their own municipality. Page forms are idempotent like the API.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class StaffAccessTests(Site site)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(StaffWorld World, Guid Stolberg)> WorldWithAllocationAsync()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var pledge = await world.PledgeAsync(20000);
        await world.ImportAsync(world.Statement("S-" + world.AppealId, new GeneratedCredit(20000, StaffWorld.Today, StructuredReference: pledge.Reference)));
        return (world, await world.AllocateAsync("stolberg", 5000, "ST/2021/007"));
    }

    [Fact]
    public async Task each_staff_page_opens_for_its_role_sends_anonymous_visitors_to_the_sign_in_and_refuses_other_roles()
    {
        var (world, allocation) = await WorldWithAllocationAsync();
        var pages = new (string Path, string Role)[]
        {
            ("/schatzamt/kontoauszuege", Roles.Treasurer),
            ("/schatzamt/abgleich", Roles.Treasurer),
            ("/schatzamt/zuweisungen", Roles.Treasurer),
            ($"/schatzamt/zuweisungen/{allocation}", Roles.Treasurer),
            ($"/schatzamt/zuweisungen/{allocation}?handler=Pdf", Roles.Treasurer),
            ("/schatzamt/bestaetigungen", Roles.Treasurer),
            ($"/schatzamt/sammelbestaetigungen?aufruf={world.AppealId}", Roles.Treasurer),
            ("/schatzamt/hinweise", Roles.Treasurer),
            ($"/schatzamt/zahlungen?aufruf={world.AppealId}", Roles.Treasurer),
            ("/kommune", Roles.Municipality),
            ($"/kommune/zuweisungen/{allocation}", Roles.Municipality),
            ($"/kommune/zuweisungen/{allocation}?handler=Csv", Roles.Municipality),
            ("/pruefung/salden", Roles.Auditor),
            ("/pruefung/ereignisse", Roles.Auditor),
            ($"/pruefung/salden?handler=Jahresabschluss&aufruf={world.AppealId}&jahr={StaffWorld.ThisYear}&format=pdf", Roles.Auditor),
            ($"/pruefung/erklaerung?ansicht=appeal&id={world.AppealId}&feld=receivedCents", Roles.Auditor),
            ("/pruefung/verifikation", Roles.Auditor),
            ("/pruefung/spur", Roles.Auditor),
        };
        using var anonymous = StaffClient.Anonymous(site);
        var signedIn = new Dictionary<string, StaffClient>
        {
            [Roles.Treasurer] = await StaffClient.SignedInAsync(site, Roles.Treasurer),
            [Roles.Municipality] = await StaffClient.SignedInAsync(site, Roles.Municipality, "stolberg"),
            [Roles.Auditor] = await StaffClient.SignedInAsync(site, Roles.Auditor),
        };
        try
        {
            foreach (var (path, role) in pages)
            {
                var answer = await anonymous.GetAsync(path);
                answer.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
                answer.Headers.Location!.ToString().ShouldStartWith(site.Url("/anmelden?ReturnUrl="), customMessage: path);

                foreach (var (otherRole, client) in signedIn)
                {
                    var response = await client.GetAsync(path);
                    if (otherRole == role)
                    {
                        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} on {path}");
                        continue;
                    }
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{otherRole} on {path}");
                    var location = response.Headers.Location!.ToString();
                    location.ShouldStartWith(site.Url("/kein-zugriff"), customMessage: $"{otherRole} on {path}");
                    var denied = await client.GetAsync(new Uri(location).PathAndQuery);
                    denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
                    (await denied.Content.ReadAsStringAsync(Ct)).ShouldContain("<h1>Kein Zugriff</h1>");
                }
            }
        }
        finally
        {
            foreach (var client in signedIn.Values) client.Dispose();
        }
    }

    [Fact]
    public async Task a_clerk_sees_and_reports_only_for_their_own_municipality()
    {
        var (world, stolberg) = await WorldWithAllocationAsync();
        var eschweiler = await world.AllocateAsync("eschweiler", 3000, "ES/2021/011");
        using var clerk = await StaffClient.SignedInAsync(site, Roles.Municipality, "eschweiler");

        var own = await (await clerk.GetAsync("/kommune")).Content.ReadAsStringAsync(Ct);
        own.ShouldContain("ES/2021/011");
        own.ShouldNotContain("ST/2021/007");
        own.ShouldContain("Eschweiler: Zuweisungen");

        foreach (var path in new[] { $"/kommune/zuweisungen/{stolberg}", $"/kommune/zuweisungen/{stolberg}?handler=Pdf", $"/kommune/zuweisungen/{stolberg}?handler=Csv" })
        {
            var answer = await clerk.GetAsync(path);
            answer.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            answer.Headers.Location!.ToString().ShouldStartWith(site.Url("/kein-zugriff"), customMessage: path);
        }

        // A form of the clerk's own allocation, sent to Stolberg's: refused, and nothing is recorded there.
        var (_, token) = await clerk.FormAsync($"/kommune/zuweisungen/{eschweiler}");
        var post = await clerk.PostAsync($"/kommune/zuweisungen/{stolberg}?handler=Ausgabe", token, new()
        {
            ["Datum"] = StaffWorld.Today.ToString("dd.MM.yyyy"), ["Empfaenger"] = "Spielwaren Becker GmbH", ["Grund"] = "Bastelmaterial",
            ["Zweck"] = "kita-schulmaterial", ["Betrag"] = "10,00", ["Belegnummer"] = "X-1", ["Vorgang"] = Guid.NewGuid().ToString(),
        });
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        post.Headers.Location!.ToString().ShouldStartWith(site.Url("/kein-zugriff"));
        (await SpendingItemsAsync(stolberg)).ShouldBe(0);
    }

    [Fact]
    public async Task a_form_sent_twice_allocates_once_and_reports_the_item_once()
    {
        var (world, _) = await WorldWithAllocationAsync();
        using var treasurer = await StaffClient.SignedInAsync(site, Roles.Treasurer);
        var (html, token) = await treasurer.FormAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}");
        var allocationForm = new Dictionary<string, string>
        {
            ["aufruf"] = world.AppealId, ["Vorgang"] = StaffClient.Hidden(html, "Vorgang"), ["Kommune"] = "eschweiler", ["Zweck"] = "",
            ["Betrag"] = "40,00", ["Aktenzeichen"] = "ES/2021/012", ["BeschlossenAm"] = StaffWorld.Today.ToString("dd.MM.yyyy"),
        };
        var first = await treasurer.PostAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}", token, allocationForm);
        var second = await treasurer.PostAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}", token, allocationForm);
        first.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        second.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var allocation = Guid.Parse(first.Headers.Location!.OriginalString.Split('/')[^1].Split('?')[0]);
        second.Headers.Location!.OriginalString.ShouldStartWith($"/schatzamt/zuweisungen/{allocation}");
        (await AllocatedAsync(world)).ShouldBe(5000 + 4000);

        using var clerk = await StaffClient.SignedInAsync(site, Roles.Municipality, "eschweiler");
        var (clerkHtml, clerkToken) = await clerk.FormAsync($"/kommune/zuweisungen/{allocation}");
        var spendingForm = new Dictionary<string, string>
        {
            ["Vorgang"] = StaffClient.Hidden(clerkHtml, "Vorgang"), ["Datum"] = StaffWorld.Today.ToString("dd.MM.yyyy"), ["Empfaenger"] = "Bäckerei Schmitz",
            ["EmpfaengerIstOrganisation"] = "true", ["Grund"] = "Stollen für die Weihnachtsfeier", ["Zweck"] = "weihnachtsfeiern", ["Betrag"] = "24,50",
            ["Belegnummer"] = "ESW-77",
        };
        for (var i = 0; i < 2; i++)
        {
            var report = await clerk.PostAsync($"/kommune/zuweisungen/{allocation}?handler=Ausgabe", clerkToken, spendingForm);
            report.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            report.Headers.Location!.OriginalString.ShouldContain("erledigt=gemeldet");
        }
        (await SpendingItemsAsync(allocation)).ShouldBe(1);
    }

    private async Task<int> SpendingItemsAsync(Guid allocation)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", site.Host.Token(Roles.Auditor));
        var view = await client.GetFromJsonAsync<JsonElement>(site.Url($"/api/allocations/{allocation}"), Ct);
        return view.GetProperty("items").GetArrayLength();
    }

    private async Task<long> AllocatedAsync(StaffWorld world)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", site.Host.Token(Roles.Auditor));
        var funds = await client.GetFromJsonAsync<JsonElement>(site.Url($"/api/appeals/{world.AppealId}/funds"), Ct);
        return funds.EnumerateArray().Sum(f => f.GetProperty("allocatedCents").GetInt64());
    }
}

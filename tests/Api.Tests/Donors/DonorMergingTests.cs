using System.Text.Json;

namespace FlutHilfe.Api.Tests.Donors;

/// <summary>
/// The treasury merges two donor records and undoes the merge (issue 15): refusals as problems (into itself, an erased
/// donor, a record already merged, undoing what is not merged), staff only; the personal-data export and the erasure keep
/// working for merged records.
/// </summary>
public class DonorMergingTests(PersonalDataFixture app) : IClassFixture<PersonalDataFixture>, IAsyncLifetime
{
    private static readonly object Donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email = "jm@example.org" };

    public async ValueTask InitializeAsync()
    {
        app.Clock.Reset();
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Treasurer => app.Token("treasurer");

    private async Task<(Guid DonationId, Guid DonorId)> PledgeAsync()
    {
        var donationId = (await app.PledgeAsync(new { amountCents = 1_000, donor = Donor })).GetProperty("donationId").GetGuid();
        var group = await app.Host.GetAsJsonAs(Treasurer, $"/api/donations/{donationId}/donor-group");
        return (donationId, group.GetProperty("donorIds")[0].GetGuid());
    }

    private async Task<JsonElement> PostAsync(string url, object body, int status, string? field = null, string? token = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (token != "") s.WithBearer(token ?? Treasurer);
            s.StatusCodeShouldBe(status);
        });
        if (status is 401 or 403) return default;
        var json = await result.ReadAsJsonAsync<JsonElement>();
        if (field is not null) json.GetProperty("field").GetString().ShouldBe(field);
        return json;
    }

    private Task<JsonElement> Merge(Guid donor, Guid into, int status = 200, string? field = null, string? token = null)
        => PostAsync($"/api/donors/{donor}/merge", new { intoDonorId = into, reason = "Gleiche Person" }, status, field, token);

    private Task<JsonElement> Undo(Guid donor, int status = 200, string? field = null)
        => PostAsync($"/api/donors/{donor}/merge/undo", new { reason = "Irrtum" }, status, field);

    [Fact]
    public async Task a_merge_makes_one_donor_and_its_undo_two_again_and_a_repeated_merge_changes_nothing()
    {
        var (_, a) = await PledgeAsync();
        var (donation, b) = await PledgeAsync();
        (await Merge(b, a)).GetProperty("donorIds").EnumerateArray().Select(x => x.GetGuid()).ShouldBe(new[] { a, b }, ignoreOrder: true);
        (await Merge(b, a)).GetProperty("message").GetString()!.ShouldContain("bereits");
        var group = await app.Host.GetAsJsonAs(Treasurer, $"/api/donations/{donation}/donor-group");
        group.GetProperty("donorId").GetGuid().ShouldBe(a);
        (await app.Host.GetAsJsonAs(app.Token("auditor"), $"/api/donors/{a}/group")).GetProperty("donorIds").GetArrayLength().ShouldBe(2);

        await Undo(b);
        (await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{a}/group")).GetProperty("donorIds").GetArrayLength().ShouldBe(1);
        (await app.Host.GetAsJsonAs(Treasurer, $"/api/donations/{donation}/donor-group")).GetProperty("donorId").GetGuid().ShouldBe(b);
    }

    [Fact]
    public async Task refusals_are_problems_naming_the_field()
    {
        var (_, a) = await PledgeAsync();
        var (_, b) = await PledgeAsync();
        var (_, c) = await PledgeAsync();
        await Merge(a, a, 422, "intoDonorId");
        await Merge(a, Guid.NewGuid(), 422, "intoDonorId");
        await Merge(Guid.NewGuid(), a, 404);
        await PostAsync($"/api/donors/{a}/merge", new { intoDonorId = b, reason = " " }, 422, "reason");
        await PostAsync($"/api/donors/{a}/merge", new { reason = "x" }, 422, "intoDonorId");
        await Undo(a, 409, "donorId");

        await Merge(b, a);
        await Merge(b, c, 409, "donorId");        // already merged into a
        await Merge(c, b, 409, "intoDonorId");    // b is itself merged
        await Merge(a, c, 409, "donorId");        // others count as a

        await PostAsync($"/api/donors/{c}/erasure", new { }, 200);
        await Merge(c, a, 409, "donorId");
        await Merge(a, c, 409);

        await Merge(b, a, 401, token: "");
        await Merge(b, a, 403, token: app.Token("auditor"));
        await PostAsync($"/api/donors/{b}/merge/undo", new { reason = "x" }, 403, token: app.Token("municipality", "stolberg"));
    }

    private async Task<(Guid DonationId, Guid DonorId)> PledgeAsync(string email)
    {
        var donationId = (await app.PledgeAsync(new
        {
            amountCents = 1_000, donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email },
        })).GetProperty("donationId").GetGuid();
        var group = await app.Host.GetAsJsonAs(Treasurer, $"/api/donations/{donationId}/donor-group");
        return (donationId, group.GetProperty("donorIds")[0].GetGuid());
    }

    private static IEnumerable<Guid> Ids(JsonElement export, string list, string id)
        => export.GetProperty(list).EnumerateArray().Select(x => x.GetProperty(id).GetGuid());

    [Fact]
    public async Task the_art_15_export_of_a_merged_donor_covers_every_record_of_the_group_and_after_the_undo_each_record_only_itself()
    {
        var (first, a) = await PledgeAsync("erste@example.org");
        var (second, b) = await PledgeAsync("zweite@example.org");
        var (third, c) = await PledgeAsync("dritte@example.org");
        await Merge(b, a);
        await Merge(c, a);
        await PostAsync($"/api/donors/{c}/erasure", new { }, 200);

        // Asked for any record of the group, the export holds all of them: the person is the group.
        foreach (var asked in new[] { a, b, c })
        {
            var export = await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{asked}/export");
            export.GetProperty("donorId").GetGuid().ShouldBe(asked);
            Ids(export, "donations", "donationId").ShouldBe([first, second, third], ignoreOrder: true);
            Ids(export, "donations", "donorId").ShouldBe([a, b, c], ignoreOrder: true);
            export.GetProperty("donorIds").EnumerateArray().Select(x => x.GetGuid()).ShouldBe([a, b, c], ignoreOrder: true);
            export.GetProperty("records").EnumerateArray()
                .Select(r => (r.GetProperty("donorId").GetGuid(), r.GetProperty("profile") is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("email").GetString() : null))
                .ShouldBe([(a, "erste@example.org"), (b, "zweite@example.org"), (c, null)], ignoreOrder: true);
            Ids(export, "erasures", "donorId").ShouldBe([c], "the erasure of c is part of what is held about this person");
            export.GetProperty("notes").GetString()!.ShouldContain("alle 3 Datensätze");
        }
        (await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{b}/export")).GetProperty("profile").GetProperty("email").GetString()
            .ShouldBe("zweite@example.org", "the profile on top is the asked record's");

        // Undone: b is a person of its own again, and the group of a no longer holds b's data.
        await Undo(b);
        var own = await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{b}/export");
        Ids(own, "donations", "donationId").ShouldBe([second]);
        Ids(own, "records", "donorId").ShouldBe([b]);
        own.GetProperty("erasures").GetArrayLength().ShouldBe(0);
        Ids(await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{a}/export"), "donations", "donationId").ShouldBe([first, third], ignoreOrder: true);
        await Undo(c);
        Ids(await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{a}/export"), "donations", "donationId").ShouldBe([first]);
        var erased = await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{c}/export");
        Ids(erased, "donations", "donationId").ShouldBe([third]);
        erased.GetProperty("profile").ValueKind.ShouldBe(JsonValueKind.Null);
        erased.GetProperty("erasures").GetArrayLength().ShouldBe(1);
        (await app.Host.GetAsJsonAs(Treasurer, $"/api/donors/{a}/group")).GetProperty("donorIds").GetArrayLength().ShouldBe(1, "both merges undone");
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using FlutHilfe.Api.Tests.Receipts;

namespace FlutHilfe.Api.Tests.Donors;

/// <summary>
/// Donors recognised across pledges (issue 15): "remember me" gives an account link listing all of the donor's donations;
/// the same e-mail address links pledges only once confirmed through the mailed link, never by being typed.
/// </summary>
public partial class DonorAccountTests(ReceiptFixture app) : IClassFixture<ReceiptFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        app.Smtp.ClearReceivedEmail();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static object Donor(string email, string name = "Jürgen Müller") => new { name, email };

    private static string TokenOf(string url) => Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    private async Task<Guid> RootOf(Guid donationId)
        => (await app.Host.GetAsJsonAs(app.Token("treasurer"), $"/api/donations/{donationId}/donor-group")).GetProperty("donorId").GetGuid();

    private async Task<JsonElement> Post(string url, object? body, int status, string? field = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            if (body is null) s.Post.Url(url);
            else s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBe(status);
        });
        var json = await result.ReadAsJsonAsync<JsonElement>();
        if (field is not null) json.GetProperty("field").GetString().ShouldBe(field);
        return json;
    }

    [Fact]
    public async Task remember_me_gives_an_account_link_that_lists_both_pledges()
    {
        var first = await app.PledgeAsync(new { amountCents = 1_000, donor = Donor("jm@example.org"), rememberMe = true });
        var accountUrl = first.GetProperty("donorAccountUrl").GetString()!;
        var second = await app.PledgeAsync(new { amountCents = 2_000, donor = Donor("neu@example.org"), accountToken = TokenOf(accountUrl) });
        var stranger = await app.PledgeAsync(new { amountCents = 3_000, donor = Donor("jm@example.org", "Jemand Anders") });

        var account = await app.Host.GetAsJson<JsonElement>(accountUrl);
        account.GetProperty("donations").EnumerateArray().Select(d => d.GetProperty("donationId").GetGuid())
            .ShouldBe(new[] { first.GetProperty("donationId").GetGuid(), second.GetProperty("donationId").GetGuid() });
        (await RootOf(second.GetProperty("donationId").GetGuid())).ShouldBe(await RootOf(first.GetProperty("donationId").GetGuid()));
        (await RootOf(stranger.GetProperty("donationId").GetGuid())).ShouldNotBe(await RootOf(first.GetProperty("donationId").GetGuid()));

        await Post("/api/appeals/freude-schenken-2021/donations", new { amountCents = 500, donor = Donor("x@example.org"), accountToken = "falsch" }, 422, "accountToken");
        await Post("/api/appeals/freude-schenken-2021/donations", new { amountCents = 500, rememberMe = true }, 422, "rememberMe");
        await app.Host.Scenario(s => { s.Get.Url("/api/donor-account?token=falsch"); s.StatusCodeShouldBe(404); });
    }

    [Fact]
    public async Task the_same_e_mail_links_pledges_only_once_confirmed_through_the_mailed_link()
    {
        var earlier = await app.PledgeAsync(new { amountCents = 1_000, donor = Donor("Erika@Example.org", "Erika Mustermann") });
        var later = await app.PledgeAsync(new { amountCents = 2_000, donor = Donor("erika@example.org ".Trim(), "Erika M.") });
        var laterId = later.GetProperty("donationId").GetGuid();
        var laterToken = TokenOf(later.GetProperty("donorUrl").GetString()!);
        (await RootOf(laterId)).ShouldNotBe(await RootOf(earlier.GetProperty("donationId").GetGuid()), "a typed address links nothing");

        var answer = await Post($"/api/donations/{laterId}/email-recognition?token={Uri.EscapeDataString(laterToken)}", null, 200);
        answer.GetProperty("message").GetString()!.ShouldContain("Bestätigungslink");
        var mail = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(app.Smtp.ReceivedEmail.ShouldHaveSingleItem().Data)), TestContext.Current.CancellationToken);
        mail.To.Mailboxes.Single().Address.ShouldBe("erika@example.org");
        mail.Subject!.ShouldContain("bestätigen");
        var body = mail.TextBody!;
        body.ShouldContain("Wenn Sie das nicht waren");
        (await RootOf(laterId)).ShouldNotBe(await RootOf(earlier.GetProperty("donationId").GetGuid()), "requested but not confirmed links nothing");

        var token = Uri.UnescapeDataString(ConfirmationLink().Match(body).Groups[1].Value);
        await Post($"/api/donor-email-confirmations?token={Uri.EscapeDataString(token)}", null, 200);
        (await RootOf(laterId)).ShouldBe(await RootOf(earlier.GetProperty("donationId").GetGuid()));
        await Post($"/api/donor-email-confirmations?token={Uri.EscapeDataString(token)}", null, 404);

        // An address without earlier donations: the same answer, no mail.
        var alone = await app.PledgeAsync(new { amountCents = 700, donor = Donor("allein@example.org") });
        var aloneUrl = alone.GetProperty("donorUrl").GetString()!;
        (await Post($"/api/donations/{alone.GetProperty("donationId").GetGuid()}/email-recognition?token={Uri.EscapeDataString(TokenOf(aloneUrl))}", null, 200))
            .GetProperty("message").GetString().ShouldBe(answer.GetProperty("message").GetString());
        app.Smtp.ReceivedEmailCount.ShouldBe(1);
        await Post($"/api/donations/{laterId}/email-recognition?token=falsch", null, 404);
    }

    [GeneratedRegex(@"/spender/verknuepfen\?token=(\S+)")]
    private static partial Regex ConfirmationLink();
}

using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Marten;
using Wolverine.Attributes;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Donations.Pledging;

public sealed record PledgeResponse(
    Guid DonationId,
    string Status,
    string Reference,
    string ReferencePrint,
    long AmountCents,
    IReadOnlyList<EarmarkView> Earmarks,
    PaymentInstructions Payment,
    string EpcPayload,
    string QrPngUrl,
    string QrSvgUrl,
    string DonorUrl,
    string DonorPageUrl,
    string? DonorAccountUrl = null);

public sealed record EarmarkView(string? MunicipalityId, string? MunicipalityName, string? PurposeId, string? PurposeName, long AmountCents)
{
    public static IReadOnlyList<EarmarkView> For(Appeal appeal, IEnumerable<Earmark> earmarks) => earmarks.Select(e => new EarmarkView(
        e.MunicipalityId, e.MunicipalityId is null ? null : appeal.FindMunicipality(e.MunicipalityId)?.Name,
        e.PurposeId, e.PurposeId is null ? null : appeal.FindPurpose(e.PurposeId)?.Name,
        e.Amount.Cents)).ToList();
}

/// <summary>A pledge as decided: the donation and the appeal it was made to.</summary>
public sealed record Pledged(Donation Donation, Appeal Appeal);

public static class PledgeEndpoint
{
    [WolverinePost("/api/appeals/{appealId}/donations", OperationId = "pledgeDonation")]
    [AllowAnonymous]
    [EnableRateLimiting(RateLimiting.Pledges)]
    [RecordsIdempotencyInTransaction]
    [EndpointSummary("Pledge a donation and get payment instructions with an EPC QR code (public)")]
    [ProducesResponseType<PledgeResponse>(201)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    [ProducesResponseType<ProblemDetails>(429)]
    public static async Task<IResult> Post(string appealId, PledgeRequest request, PledgeIntake intake, HttpContext http, CancellationToken ct)
    {
        // The answer is serialized once, before the commit: the same bytes are sealed into the idempotency record (in the
        // pledge's own transaction) and sent.
        var idempotency = IdempotencyInTransaction.Of(http);
        CreatedJson? created = null;
        await intake.PledgeAsync(appealId, request, (session, response, _) =>
        {
            created = CreatedJson.For($"/api/donations/{response.DonationId}", response, intake.JsonOptions);
            idempotency?.Record(session, StatusCodes.Status201Created, CreatedJson.ContentType, created.Location, created.Body);
        }, ct);
        return created!;
    }

    /// <summary>
    /// The pledge as the donation form on the appeal page makes it (the same command and commit as the API, without an
    /// Idempotency-Key). Returns the answer and the donor's secret token, which exists only here (the donation keeps its hash).
    /// </summary>
    public static Task<(PledgeResponse Response, string Token)> PledgeAsync(string appealId, PledgeRequest request, PledgeIntake intake, CancellationToken ct)
        => intake.PledgeAsync(appealId, request, null, ct);

    /// <summary>The answer to a pledge: payment instructions, GiroCode and the donor's links.</summary>
    public static PledgeResponse ResponseFor(Donation donation, Appeal appeal, string token)
    {
        var query = "?token=" + Uri.EscapeDataString(token);
        var donationId = donation.Id;
        return new PledgeResponse(
            donationId,
            "pledged",
            donation.Reference,
            CreditorReference.Parse(donation.Reference).ToPrintString(),
            donation.Pledged.Cents,
            EarmarkView.For(appeal, donation.Earmarks),
            PaymentInstructions.For(appeal, donation),
            PaymentInstructions.EpcPayload(appeal, donation),
            $"/api/donations/{donationId}/qr.png{query}",
            $"/api/donations/{donationId}/qr.svg{query}",
            $"/api/donations/{donationId}{query}",
            DonorPageUrl(donationId, token));
    }

    /// <summary>The donor's own web page (German): status, payments, receipt, where the money went. Relative, like every link here.</summary>
    public static string DonorPageUrl(Guid donationId, string token) => $"/spenden/{donationId}?token={Uri.EscapeDataString(token)}";
}

/// <summary>A 201 with a JSON body serialized beforehand (so that exactly these bytes can also be kept for a replay).</summary>
public sealed class CreatedJson(string location, byte[] body) : IResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public string Location { get; } = location;
    public byte[] Body { get; } = body;

    public static CreatedJson For<T>(string location, T value, System.Text.Json.JsonSerializerOptions options)
        => new(location, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, options));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = Location;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body, httpContext.RequestAborted).AsTask();
    }
}

/// <summary>
/// Takes a pledge in one transaction: the appeal comes from <see cref="AppealCache"/> (no read when it is cached), the
/// decision is the pure <see cref="PledgeDonationHandler"/>, and one session commits, in one batch, the donation's new
/// stream (event and inline snapshot), the donor's key and sealed profile, and whatever the caller adds before the commit
/// (the API's idempotency record). Nothing is sent after a pledge, so no outbox is involved; a pledge that fails or is
/// refused writes nothing.
/// </summary>
public sealed class PledgeIntake(IDocumentStore store, AppealCache appeals, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    Donors.Accounts.DonorEmailLookup emails)
{
    public System.Text.Json.JsonSerializerOptions JsonOptions => json.Value.SerializerOptions;

    /// <summary>Decides and commits one pledge; <c>beforeCommit</c> gets the session, the answer and the donor's token after the decision, before the commit.</summary>
    public async Task<(PledgeResponse Response, string Token)> PledgeAsync(string appealId, PledgeRequest request,
        Action<IDocumentSession, PledgeResponse, string>? beforeCommit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (token, tokenHash) = DonorToken.New();
        var id = Appeals.AppealLookup.Require(appealId);
        var donor = request.ToDonorProfile(Guid.CreateVersion7(now), now);
        var command = new PledgeDonation(Guid.CreateVersion7(now), id, request.Amount, request.ToEarmarks(), request.ReceiptWanted, donor, PaymentReference.New(), tokenHash, now);
        var appeal = await appeals.FindAsync(store, command.AppealStreamId, ct);
        var (start, profile, pledged) = PledgeDonationHandler.Handle(command, appeal);
        var response = PledgeEndpoint.ResponseFor(pledged.Donation, pledged.Appeal, token);

        await using var session = store.LightweightSession();
        // Donors across pledges (Donors/Accounts): the e-mail's keyed hash, "remember me", a link to an account.
        if (await Donors.Accounts.DonorRecognition.AtPledgeAsync(session, emails, request, donor, now, ct) is { } account)
            response = response with { DonorAccountUrl = Donors.Accounts.DonorRecognition.AccountUrl(account) };
        beforeCommit?.Invoke(session, response, token);
        start.Execute(session);
        profile.Execute(session);
        await session.SaveChangesAsync(ct);
        return (response, token);
    }
}

/// <summary>
/// The pledge decision: the new donation's stream and the donor's profile (personal data, never in the event log), as
/// values for one commit. Called by <see cref="PledgeIntake"/>, not a message handler (the command carries personal data
/// and only ever runs in process).
/// </summary>
[WolverineIgnore]
public static class PledgeDonationHandler
{
    public static (IStartStream, IMartenOp, Pledged) Handle(PledgeDonation command, Appeal? appeal)
    {
        var (events, donation) = DonationDecider.Decide(command, appeal).WithStateAfter((Donation?)null, DonationDecider.Evolve);
        return (MartenOps.StartStream<Donation>(command.DonationId, [.. events]), DonorProfiles.New(command.Donor), new Pledged(donation, appeal!));
    }
}

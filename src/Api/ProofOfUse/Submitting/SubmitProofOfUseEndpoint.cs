using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.ProofOfUse.Submitting;

public sealed record SubmitProofRequest(string? NarrativeReport, DeclarationInput? Declaration = null);

/// <summary>The clerk's declaration: each confirmation must be given explicitly (true), with place, date, name and function of the signatory.</summary>
public sealed record DeclarationInput(bool? UsedOnlyForPurpose, bool? NecessaryEconomicalThrifty, bool? FiguresAgreeWithBooks, string? Place, DateOnly? Date,
    string? SignatoryName, string? SignatoryFunction)
{
    public ProofDeclaration ToDeclaration() => new(
        UsedOnlyForPurpose == true, NecessaryEconomicalThrifty == true, FiguresAgreeWithBooks == true,
        Text.Require(Place, "declaration.place", 100),
        Date ?? throw DomainException.Invalid("declaration.date", "declaration.date is required."),
        Text.Require(SignatoryName, "declaration.signatoryName", 140),
        Text.Require(SignatoryFunction, "declaration.signatoryFunction", 140));
}

public static class SubmitProofOfUseEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/proof-of-use", OperationId = "submitProofOfUse")]
    [Authorize(Roles = Roles.Municipality)]
    [EndpointSummary("Submit the proof of use with its narrative report (the allocation's municipal clerk)")]
    public static async Task<AllocationView> Post(Guid allocationId, SubmitProofRequest request, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken ct)
        => AllocationView.From(await SubmitAsync(allocationId, request, session, bus, user, clock, ct));

    /// <summary>The submission of the API and of the clerk's page: request → command → message bus.</summary>
    public static async Task<Allocation> SubmitAsync(Guid allocationId, SubmitProofRequest request, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken ct)
    {
        var report = Text.Require(request.NarrativeReport, "narrativeReport", 20_000);
        var declaration = (request.Declaration ?? throw DomainException.Invalid("declaration", "The proof of use needs the signed declaration.")).ToDeclaration();
        await AllocationLookup.LoadForAsync(session, allocationId, user, staffMayToo: false, ct);
        var command = new SubmitProofOfUse(allocationId, report, Access.Subject(user), declaration, clock.GetUtcNow());
        return await bus.InvokeAsync<Allocation>(command, ct);
    }
}

public static class SubmitProofOfUseHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(SubmitProofOfUse command,
        [WriteAggregate(nameof(SubmitProofOfUse.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}

using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals;

/// <summary>Another eligible municipality. The same municipality again decides nothing; with other details it is a conflict.</summary>
public sealed record AddMunicipality(string AppealId, Municipality Municipality, DateTimeOffset AddedAt)
{
    public Guid AppealStreamId => AppealStream.IdFor(AppealId);
}

/// <summary>Another purpose donors may earmark for; the same rules as <see cref="AddMunicipality"/>.</summary>
public sealed record AddPurpose(string AppealId, Purpose Purpose, DateTimeOffset AddedAt)
{
    public Guid AppealStreamId => AppealStream.IdFor(AppealId);
}

public static partial class AppealDecider
{
    public static IReadOnlyList<object> Decide(AddMunicipality command, Appeal? appeal)
    {
        var current = Existing(appeal, command.AppealId);
        Slug.Require(command.Municipality.Id, "id");
        if (current.FindMunicipality(command.Municipality.Id) is { } existing)
        {
            return existing == command.Municipality
                ? []
                : throw DomainException.Conflict($"Municipality '{existing.Id}' is already part of this appeal with other details.", "id");
        }
        return [new MunicipalityAdded(command.AppealId, command.Municipality, command.AddedAt)];
    }

    public static IReadOnlyList<object> Decide(AddPurpose command, Appeal? appeal)
    {
        var current = Existing(appeal, command.AppealId);
        Slug.Require(command.Purpose.Id, "id");
        if (current.FindPurpose(command.Purpose.Id) is { } existing)
        {
            return existing == command.Purpose
                ? []
                : throw DomainException.Conflict($"Purpose '{existing.Id}' is already part of this appeal with other details.", "id");
        }
        return [new PurposeAdded(command.AppealId, command.Purpose, command.AddedAt)];
    }
}

using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals.Extending;

public sealed record AddMunicipality(string AppealId, Municipality Municipality);

public sealed record AddPurpose(string AppealId, Purpose Purpose);

public sealed record MunicipalityAdded(string AppealId, Municipality Municipality, DateTimeOffset AddedAt);

public sealed record PurposeAdded(string AppealId, Purpose Purpose, DateTimeOffset AddedAt);

public static class ExtendingDecision
{
    public static IReadOnlyList<object> Decide(AddMunicipality command, Appeal appeal, DateTimeOffset now)
    {
        Slug.Require(command.Municipality.Id, "id");
        if (appeal.FindMunicipality(command.Municipality.Id) is { } existing)
        {
            return existing == command.Municipality
                ? []
                : throw DomainException.Conflict($"Municipality '{existing.Id}' is already part of this appeal with other details.", "id");
        }
        return [new MunicipalityAdded(appeal.Slug, command.Municipality, now)];
    }

    public static IReadOnlyList<object> Decide(AddPurpose command, Appeal appeal, DateTimeOffset now)
    {
        Slug.Require(command.Purpose.Id, "id");
        if (appeal.FindPurpose(command.Purpose.Id) is { } existing)
        {
            return existing == command.Purpose
                ? []
                : throw DomainException.Conflict($"Purpose '{existing.Id}' is already part of this appeal with other details.", "id");
        }
        return [new PurposeAdded(appeal.Slug, command.Purpose, now)];
    }
}

using System.Text.Json.Nodes;

namespace FlutHilfe.Architecture.Tests.EventContracts;

/// <summary>
/// Events are a contract for ten years: the books are kept that long and stored events are never rewritten. Every event
/// type has a committed sample (<c>EventContracts/{Type}.json</c>: the name Marten stores it under and its data, as the
/// service's own serializer writes it); a change that stored events could not follow fails here and says how to evolve
/// the event instead (<c>docs/evolving-events.md</c>).
/// </summary>
public class EventContractTests
{
    private const string HowToEvolve =
        "Stored events are kept for ten years and never rewritten, so an event type only ever evolves (docs/evolving-events.md): "
        + "add a field as optional with a default (old events read the default); or add a new event type for the new fact and keep "
        + "folding the old one; or register a Marten upcaster that reads the old shape into the new type (options.Events.Upcast). "
        + "Never rename or remove a field, change its type or how it is written, or rename the event class.";

    /// <summary>The failures below send the reader to this guide and its sections; it must be there to read.</summary>
    [Fact]
    public void the_guide_the_failures_point_to_exists()
    {
        var guide = Path.Combine(Layering.Projects.RepositoryRoot, "docs", "evolving-events.md");
        File.Exists(guide).ShouldBeTrue($"{guide}: the contract failures point here");
        var text = File.ReadAllText(guide);
        foreach (var section in new[] { "## 1. An optional field", "## 2. A new event type", "## 3. A Marten upcaster", "EventContracts.proposed" })
            text.ShouldContain(section);
        HowToEvolve.ShouldContain("docs/evolving-events.md");
    }

    public static TheoryData<string> EventTypeNames => [.. EventContract.EventTypes().Select(t => t.Name)];

    private static Type TypeNamed(string name) => EventContract.EventTypes().Single(t => t.Name == name);

    private static string SamplePath(string name) => Path.Combine(EventContract.Directory, name + ".json");

    private static EventSample Current(Type type)
        => new(EventContract.StoredName(type), EventContract.Serialize(Representative.Of(type)));

    [Fact]
    public void every_event_type_is_found()
    {
        var names = EventContract.EventTypes().Select(t => t.Name).ToList();
        // A guard on the discovery itself: these are folded by the aggregates and projections today.
        names.ShouldContain("DonationPledged");
        names.ShouldContain("ReceiptIssued");
        names.ShouldContain("DonationBookedFromPayment");
        names.Count.ShouldBeGreaterThanOrEqualTo(30);
    }

    // Emptied once per run, so the folder holds only what this run proposes.
    private static readonly Lazy<string> Proposals = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "EventContracts.proposed");
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path);
        return path;
    });

    /// <summary>Where a missing or changed sample is proposed: beside the test binaries, to copy into EventContracts/ once checked.</summary>
    private static string Propose(EventSample sample, string name)
    {
        var proposals = Proposals.Value;
        var path = Path.Combine(proposals, name + ".json");
        File.WriteAllText(path, sample.ToFileText());
        return path;
    }

    [Fact]
    public void every_event_type_has_a_committed_sample()
    {
        var missing = EventContract.EventTypes().Where(t => !File.Exists(SamplePath(t.Name)))
            .Select(t => Propose(Current(t), t.Name)).ToList();
        missing.ShouldBeEmpty("Every event type needs EventContracts/{Type}.json, the shape the books will hold (docs/evolving-events.md, "
                              + "\"A new event type\"). Proposals to check and copy: " + string.Join(", ", missing));
    }

    [Fact]
    public void every_sample_still_has_its_event_type()
    {
        var known = EventContract.EventTypes().Select(t => t.Name).ToHashSet();
        Directory.GetFiles(EventContract.Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Where(name => !known.Contains(name!))
            .ShouldBeEmpty("Events of these types are stored and must stay readable: keep the type (it may stop being written), "
                           + "or map its stored name to a new type with a Marten upcaster. " + HowToEvolve);
    }

    [Theory]
    [MemberData(nameof(EventTypeNames))]
    public void the_stored_shape_matches_the_committed_sample(string name)
    {
        var type = TypeNamed(name);
        if (!File.Exists(SamplePath(name))) return; // reported by every_event_type_has_a_committed_sample
        var committed = EventSample.Read(SamplePath(name));
        var current = Current(type);

        current.EventType.ShouldBe(committed.EventType,
            $"{name} would be stored under another name than the books hold ('{committed.EventType}'). Keep the class name, or map the old name "
            + $"with options.Events.MapEventType<{name}>(\"{committed.EventType}\"). {HowToEvolve}");

        var shape = JsonShape.Compare(committed.Data, current.Data);
        if (shape.Breaks)
        {
            Assert.Fail($"{name} changed in a way stored events cannot follow. Removed or renamed: [{string.Join(", ", shape.OnlyBefore)}]; "
                        + $"written differently: [{string.Join("; ", shape.Changed)}]. {HowToEvolve}");
        }
        if (!shape.Same)
        {
            Assert.Fail($"{name} gained [{string.Join(", ", shape.OnlyNow)}]. Stored events lack these fields and read their defaults, so this is "
                        + $"a compatible change if the defaults mean what old events meant (docs/evolving-events.md, \"An optional field\"): move the old "
                        + $"sample to EventContracts/History/{name}.<before-what>.json (its test checks that it still reads) and pin the new one in "
                        + $"EventContracts/{name}.json, proposed in {Propose(current, name)}:\n{current.ToFileText()}");
        }
    }

    /// <summary>Every field of the sample is read into the current type and written back as it was (new fields may be added).</summary>
    [Theory]
    [MemberData(nameof(EventTypeNames))]
    public void the_committed_sample_reads_back_with_every_field(string name)
    {
        if (!File.Exists(SamplePath(name))) return;
        var committed = EventSample.Read(SamplePath(name));
        var read = EventContract.Deserialize(committed.Data, TypeNamed(name));
        var shape = JsonShape.Compare(committed.Data, EventContract.Serialize(read));
        shape.Breaks.ShouldBeFalse($"{name}: a stored event of this shape loses or changes fields when read: {shape}. {HowToEvolve}");
    }
}

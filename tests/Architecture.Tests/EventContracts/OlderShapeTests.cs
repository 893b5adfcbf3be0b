using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Architecture.Tests.EventContracts;

/// <summary>
/// Shapes the books really hold from before a field was added (<c>EventContracts/History/{Type}.{before-what}.json</c>):
/// they still read into today's type, keep every field they had, and mean what they meant. The additions were made the
/// first way of <c>docs/evolving-events.md</c>: an optional field whose default says what old events meant.
/// </summary>
public class OlderShapeTests
{
    public static TheoryData<string> HistoryFiles
        => [.. Directory.GetFiles(Path.Combine(EventContract.Directory, "History"), "*.json").Select(f => Path.GetFileName(f)).Order()];

    public static T Read<T>(string file) => (T)EventContract.Deserialize(EventSample.Read(HistoryPath(file)).Data, typeof(T));

    public static string HistoryPath(string file) => Path.Combine(EventContract.Directory, "History", file);

    [Theory]
    [MemberData(nameof(HistoryFiles))]
    public void an_older_shape_reads_into_todays_type_with_every_field_it_had(string file)
    {
        var typeName = file[..file.IndexOf('.', StringComparison.Ordinal)];
        var type = EventContract.EventTypes().SingleOrDefault(t => t.Name == typeName).ShouldNotBeNull($"{file}: no event type {typeName}");
        var old = EventSample.Read(HistoryPath(file));

        old.EventType.ShouldBe(EventContract.StoredName(type), "stored under the name the store reads it by");
        var read = EventContract.Deserialize(old.Data, type);
        var shape = JsonShape.Compare(old.Data, EventContract.Serialize(read));
        shape.Breaks.ShouldBeFalse($"{file}: {shape}");
        shape.OnlyNow.ShouldNotBeEmpty("a history sample shows an older shape: it lacks a field today's type has");
    }

    [Fact]
    public void an_allocation_withdrawn_before_withdrawals_had_ids_still_takes_back_its_amount_and_blocks_no_later_withdrawal()
    {
        var withdrawn = Read<AllocationWithdrawn>("AllocationWithdrawn.before-withdrawal-id.json");
        withdrawn.WithdrawalId.ShouldBe(Guid.Empty);
        var allocated = new FundsAllocated(withdrawn.AllocationId, withdrawn.AppealId, withdrawn.MunicipalityId, null, withdrawn.Amount + new Money(10_000),
            withdrawn.Draws.Select(d => d with { Amount = d.Amount + new Money(10_000) }).ToList(), "SI/1", new DateOnly(2021, 11, 20), DateTimeOffset.UnixEpoch);
        var allocation = AllocationDecider.Evolve(AllocationDecider.Evolve(null, allocated), withdrawn)!;
        allocation.Withdrawn.ShouldBe(withdrawn.Amount);
        allocation.WithdrawalIds.ShouldBeEmpty("an old withdrawal has no id a new one could collide with");
    }

    [Fact]
    public void a_receipt_assigned_before_receipts_covered_payments_covers_every_payment_of_its_donation()
    {
        var assigned = Read<ReceiptAssigned>("ReceiptAssigned.before-payment-ids.json");
        assigned.PaymentIds.ShouldBeNull();

        var donation = DonationDecider.Evolve(Paid(assigned.DonationId), assigned)!;
        var first = donation.Payments.Single().PaymentId;

        donation.PaymentReceipts.ShouldBe([new PaymentReceipt(first, assigned.Number, new Money(12_345), true)], "the receipt stated all the donation had");
        var later = new DonationPaymentReceived(assigned.DonationId, "AppealId", Guid.CreateVersion7(), new Money(500), new DateOnly(2021, 12, 1), null,
            [new Earmark(null, null, new Money(500))], DateTimeOffset.UnixEpoch);
        ReceiptCoverage.Open(DonationDecider.Evolve(donation, later)!).Select(p => p.PaymentId).ShouldBe([later.PaymentId], "only money received later is open");
    }

    [Fact]
    public void a_receipt_line_without_payment_stands_for_its_donation()
    {
        var issued = Read<ReceiptIssued>("ReceiptIssued.before-payments-and-use.json");
        issued.Lines.ShouldAllBe(l => l.PaymentId == null);
        (issued.Use, issued.MachineNote).ShouldBe((null, null), "printed before the use statement and the frozen note: copies use the fallbacks");

        var receipt = ReceiptDecider.Evolve(null, issued)!;
        receipt.Lines.Single().DonationId.ShouldBe(issued.Lines.Single().DonationId);
    }

    [Fact]
    public void a_bank_transaction_recorded_before_several_references_names_its_structured_reference()
    {
        var recorded = Read<BankTransactionRecorded>("BankTransactionRecorded.before-named-references.json");
        (recorded.NamedReferences, recorded.ReturnSignal).ShouldBe((null, null));

        var payment = PaymentDecider.Evolve(null, recorded with { StructuredReference = "RF18539007547034", ReferenceInText = null })!;

        payment.NamedReferences.ShouldBe(["RF18539007547034"]);
    }

    [Fact]
    public void a_payment_matched_before_returns_were_matched_gives_nothing_back()
        => Read<PaymentMatched>("PaymentMatched.before-returns.json").ReturnOf.ShouldBeNull();

    /// <summary>A donation pledged and paid once (today's shapes), to fold an older event onto.</summary>
    public static Donation Paid(Guid donationId)
    {
        var (pledged, received) = PledgedAndPaid(donationId);
        return DonationDecider.Evolve(DonationDecider.Evolve(null, pledged), received)!;
    }

    public static (DonationPledged Pledged, DonationPaymentReceived Received) PledgedAndPaid(Guid donationId)
        => ((DonationPledged)Representative.Of(typeof(DonationPledged)) with { DonationId = donationId },
            (DonationPaymentReceived)Representative.Of(typeof(DonationPaymentReceived)) with { DonationId = donationId });
}

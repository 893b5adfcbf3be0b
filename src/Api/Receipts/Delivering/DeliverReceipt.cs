using Wolverine.Attributes;

namespace FlutHilfe.Api.Receipts.Delivering;

/// <summary>Render the receipt's PDF, store it, and mail it when the donor gave an e-mail address. Stored in the outbox under its first name.</summary>
[MessageIdentity("FlutHilfe.Api.Receipts.DeliverReceipt")]
public sealed record DeliverReceipt(string Number);

/// <summary>Render, store and mail a batch of receipts issued together: one envelope, PDFs rendered in parallel, one SMTP connection.</summary>
public sealed record DeliverReceipts(IReadOnlyList<string> Numbers);

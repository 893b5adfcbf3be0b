using FlutHilfe.BankFiles;

namespace FlutHilfe.Api.BankStatements.Importing;

/// <summary>
/// Import parsed camt.053 files (one upload: a single file or the files of a ZIP), all or nothing. The same command for
/// the API and the treasury's upload page; <see cref="ImportedAt"/> is when we learned of the bookings.
/// </summary>
public sealed record ImportBankStatements(IReadOnlyList<(string Name, CamtFile File)> Files, DateTimeOffset ImportedAt);

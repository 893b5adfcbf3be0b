using FlutHilfe.Projections.ProofOfUse;
using Xunit;
using static FlutHilfe.Projections.Tests.ProofOfUse.ProofOfUseSamples;

namespace FlutHilfe.Projections.Tests.ProofOfUse;

/// <summary>Writes sample files for eyeballing when FLUTHILFE_SAMPLE_DIR is set; otherwise does nothing.</summary>
public sealed class ProofOfUseSampleOutput
{
    [Fact]
    public void Write_samples_when_requested()
    {
        string? dir = Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR");
        if (string.IsNullOrWhiteSpace(dir))
            return;
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "proof-small.pdf"), ProofOfUsePdf.Render(Document(overdue: true)));
        File.WriteAllBytes(Path.Combine(dir, "proof-small.csv"), ProofOfUseCsv.WriteUtf8(Document()));
        byte[] many = ProofOfUsePdf.Render(Document(ManyVouchers(120)));
        File.WriteAllBytes(Path.Combine(dir, "proof-120.pdf"), many);
        File.WriteAllLines(Path.Combine(dir, "proof-120.txt"),
            ProofOfUsePdfTests.PageTexts(many).Select((text, i) => $"--- page {i + 1}: {text}"));
    }
}

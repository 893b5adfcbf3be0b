using System.IO.Compression;
using System.Text;
using FlutHilfe.TestSupport;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

public class CamtZipTests
{
    private static byte[] Zip(params (string Name, byte[] Content)[] files)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                using var s = entry.Open();
                s.Write(content);
            }
        }

        return ms.ToArray();
    }

    [Fact]
    public void Zip_with_two_statements_and_other_files()
    {
        var zip = Zip(
            ("2025/viafintech.xml", File.ReadAllBytes(CamtTestFiles.Path("viafintech-valid_example.xml"))),
            ("readme.txt", Encoding.UTF8.GetBytes("not a statement")),
            ("__MACOSX/2025/._viafintech.xml", [0, 5, 22, 7]),
            ("generated.XML", CamtWriter.Write053v08("G1", "DE02120300000000202051", CamtWriterTests.Generate(10))));

        using var stream = new MemoryStream(zip);
        var result = CamtParser.ParseZip(stream, maxTotalBytes: 1024 * 1024);

        result.Select(r => r.Name).ShouldBe(["2025/viafintech.xml", "generated.XML"]);
        result[0].File.Statements[0].Entries.Count.ShouldBe(4);
        result[1].File.Statements[0].StatementId.ShouldBe("G1");
        result[1].File.Statements[0].Entries.Count.ShouldBe(10);
    }

    [Fact]
    public void Zip_bomb_is_stopped_by_the_total_uncompressed_limit()
    {
        // 20 MB of whitespace inside a valid document compresses to a few KB.
        var padding = new string(' ', 20 * 1024 * 1024);
        var bomb = Encoding.UTF8.GetBytes(CamtTestFiles.Statement(CamtTestFiles.Entry() + padding));
        var zip = Zip(("a.xml", bomb));
        zip.Length.ShouldBeLessThan(200_000);

        using var stream = new MemoryStream(zip);
        Should.Throw<CamtInputTooLargeException>(() => CamtParser.ParseZip(stream, maxTotalBytes: 1024 * 1024));
    }

    [Fact]
    public void Total_limit_counts_across_files()
    {
        var one = CamtWriter.Write053v08("G1", "DE02120300000000202051", CamtWriterTests.Generate(20));
        var zip = Zip(("a.xml", one), ("b.xml", one), ("c.xml", one));
        using var stream = new MemoryStream(zip);
        Should.Throw<CamtInputTooLargeException>(() => CamtParser.ParseZip(stream, maxTotalBytes: (one.Length * 2) + 100));
        using var again = new MemoryStream(zip);
        CamtParser.ParseZip(again, maxTotalBytes: (one.Length * 3) + 100).Count.ShouldBe(3);
    }

    [Fact]
    public void Invalid_xml_in_a_zip_names_the_file()
    {
        var zip = Zip(("ok.xml", CamtWriter.Write053v08("G1", "DE02120300000000202051", CamtWriterTests.Generate(1))), ("bad.xml", File.ReadAllBytes(CamtTestFiles.Path("genkgo-camt053.v2.wrong.xml"))));
        using var stream = new MemoryStream(zip);
        var ex = Should.Throw<CamtFormatException>(() => CamtParser.ParseZip(stream, 1024 * 1024));
        ex.ElementPath.ShouldBe("bad.xml!Document/BkToCstmrStmt/Stmt");
    }

    [Fact]
    public void Not_a_zip_is_refused()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<Document/>"));
        Should.Throw<CamtFormatException>(() => CamtParser.ParseZip(stream, 1024)).ElementPath.ShouldBe("(zip)");
    }
}

using System.Reflection;
using System.Xml.Linq;
using FlutHilfe.BankFiles;
using FlutHilfe.Documents.Receipts;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections;

namespace FlutHilfe.Architecture.Tests.Layering;

/// <summary>The projects under src/: their assemblies (as built) and their project files (as written).</summary>
public static class Projects
{
    public static readonly Assembly DomainAssembly = typeof(Money).Assembly;
    public static readonly Assembly ProjectionsAssembly = typeof(EventStoreModel).Assembly;
    public static readonly Assembly DocumentsAssembly = typeof(ReceiptPdf).Assembly;
    public static readonly Assembly BankFilesAssembly = typeof(CamtParser).Assembly;
    public static readonly Assembly ApiAssembly = typeof(Program).Assembly;

    public static readonly IReadOnlyDictionary<string, Assembly> Source = new Dictionary<string, Assembly>
    {
        ["Domain"] = DomainAssembly, ["Projections"] = ProjectionsAssembly, ["Documents"] = DocumentsAssembly, ["BankFiles"] = BankFilesAssembly, ["Api"] = ApiAssembly,
    };

    /// <summary>The root namespace of each of our assemblies (a namespace prefix matches everything below it).</summary>
    public const string DomainNs = "FlutHilfe.Domain", ProjectionsNs = "FlutHilfe.Projections", DocumentsNs = "FlutHilfe.Documents",
        BankFilesNs = "FlutHilfe.BankFiles", ApiNs = "FlutHilfe.Api", TestSupportNs = "FlutHilfe.TestSupport";

    /// <summary>Namespaces of test code and test libraries, which nothing under src/ may use.</summary>
    public static readonly string[] TestCode =
        [TestSupportNs, "FlutHilfe.Architecture.Tests", "Xunit", "Shouldly", "Alba", "ZXing", "StbImageSharp", "UglyToad.PdfPig", "CsCheck", "NetArchTest", "netDumbster"];

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The project file of a project under src/, parsed.</summary>
    public static XDocument ProjectFile(string name) => XDocument.Load(Path.Combine(RepositoryRoot, "src", name, name + ".csproj"));

    public static IReadOnlyList<string> PackageReferences(XDocument project)
        => [.. project.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).Order()];

    /// <summary>Project references as paths relative to src/ ("../Domain/Domain.csproj" → "Domain").</summary>
    public static IReadOnlyList<string> ProjectReferences(XDocument project)
        => [.. project.Descendants("ProjectReference").Select(e => ((string)e.Attribute("Include")!).Replace('\\', '/')).Order()];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlutHilfe.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"FlutHilfe.sln not found above {AppContext.BaseDirectory}.");
    }
}

using System.Reflection;
using NetArchTest.Rules;
using static FlutHilfe.Architecture.Tests.Layering.Projects;

namespace FlutHilfe.Architecture.Tests.Layering;

/// <summary>
/// The arrows between the projects (README "Architecture"): the domain depends on nothing of ours and on no
/// rendering, file, network or database library; projections and adapters on the domain only; the Api on all of them;
/// nothing under src/ on test code. Checked on the compiled assemblies (NetArchTest) and on the project files.
/// </summary>
public class LayeringTests
{
    /// <summary>Libraries that render, read files or archives, talk to the network or a database, or host the web.</summary>
    private static readonly string[] RenderingAndIo =
    [
        "PdfSharp", "QRCoder", "Humanizer", "System.IO.", "System.Xml", "System.Net.", "System.Data", "Npgsql", "Weasel",
        "Microsoft.AspNetCore", "Wolverine", "MailKit", "MimeKit",
    ];

    [Fact]
    public void the_domain_depends_on_nothing_of_ours()
        => ShouldNotDependOn(DomainAssembly, ProjectionsNs, DocumentsNs, BankFilesNs, ApiNs, TestSupportNs);

    [Fact]
    public void the_domain_uses_no_rendering_file_network_or_database_library()
        => ShouldNotDependOn(DomainAssembly, RenderingAndIo);

    [Fact]
    public void projections_depend_on_the_domain_only()
    {
        ShouldNotDependOn(ProjectionsAssembly, DocumentsNs, BankFilesNs, ApiNs, TestSupportNs);
        ShouldNotDependOn(ProjectionsAssembly, "PdfSharp", "QRCoder", "Humanizer", "System.Xml", "Microsoft.AspNetCore", "Wolverine", "MailKit");
    }

    [Fact]
    public void the_documents_adapter_depends_on_the_domain_only()
        => ShouldNotDependOn(DocumentsAssembly, ProjectionsNs, BankFilesNs, ApiNs, TestSupportNs, "Marten", "Microsoft.AspNetCore", "Wolverine");

    [Fact]
    public void the_bank_files_adapter_depends_on_the_domain_only()
        => ShouldNotDependOn(BankFilesAssembly, ProjectionsNs, DocumentsNs, ApiNs, TestSupportNs, "Marten", "Microsoft.AspNetCore", "Wolverine");

    [Fact]
    public void the_api_composes_all_of_them()
    {
        var referenced = ApiAssembly.GetReferencedAssemblies().Select(a => a.Name).ToHashSet();
        Source.Values.Where(a => a != ApiAssembly).Select(a => a.GetName().Name).Where(name => !referenced.Contains(name)).ShouldBeEmpty("the Api uses every project");
    }

    [Fact]
    public void nothing_under_src_depends_on_test_code()
    {
        foreach (var (name, assembly) in Source)
        {
            ShouldNotDependOn(assembly, TestCode);
            assembly.GetReferencedAssemblies().Select(a => a.Name!)
                .Where(a => a.EndsWith(".Tests", StringComparison.Ordinal) || TestCode.Any(t => a.StartsWith(t, StringComparison.Ordinal)))
                .ShouldBeEmpty($"{name} references test assemblies");
        }
    }

    private static void ShouldNotDependOn(Assembly assembly, params string[] namespaces)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(namespaces).GetResult();
        (result.FailingTypeNames ?? []).ShouldBeEmpty(
            $"{assembly.GetName().Name} must not use {string.Join(", ", namespaces)}; these types do");
    }
}

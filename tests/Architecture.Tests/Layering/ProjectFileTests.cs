using static FlutHilfe.Architecture.Tests.Layering.Projects;

namespace FlutHilfe.Architecture.Tests.Layering;

/// <summary>
/// What the project files allow, so that a reference added today and used tomorrow is refused today: the domain's only
/// package is Marten (for its compile-time code generation), the adapters and the projections reference the domain only,
/// and no project under src/ references anything under tests/.
/// </summary>
public class ProjectFileTests
{
    [Fact]
    public void the_domain_references_marten_only_and_no_project()
    {
        var domain = ProjectFile("Domain");
        PackageReferences(domain).ShouldBe(["Marten"], "the domain may reference Marten for its code generation, nothing that renders or does I/O");
        ProjectReferences(domain).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Projections")]
    [InlineData("Documents")]
    [InlineData("BankFiles")]
    public void projections_and_adapters_reference_the_domain_only(string project)
        => ProjectReferences(ProjectFile(project)).ShouldBe(["../Domain/Domain.csproj"]);

    [Fact]
    public void only_the_adapters_reference_rendering_packages()
    {
        string[] rendering = ["PDFsharp", "QRCoder", "Humanizer.Core", "Humanizer.Core.de"];
        foreach (var project in new[] { "Domain", "Projections", "BankFiles", "Api" })
            PackageReferences(ProjectFile(project)).Intersect(rendering).ShouldBeEmpty($"{project} references a rendering package");
    }

    [Fact]
    public void no_project_under_src_references_tests()
    {
        foreach (var project in Source.Keys)
            ProjectReferences(ProjectFile(project)).Where(r => r.Contains("tests/", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty(project);
    }
}

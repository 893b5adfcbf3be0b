using FlutHilfe.Api.Infrastructure;
using JasperFx.CodeGeneration;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace FlutHilfe.Api.Tests.Hosting;

/// <summary>
/// How the service starts outside development (issue 14, goal 7; README "Production"): code generated ahead of time and
/// loaded statically, and no database changes at start-up (a deployment runs <c>resources setup</c> first).
/// </summary>
public class StartupTests
{
    private static Dictionary<string, string?> ProductionSettings(string schema) => new()
    {
        ["ConnectionStrings:FlutHilfe"] = AppFixture.ConnectionString,
        ["Marten:Schema"] = schema,
        ["Auth:SigningKey"] = "a-production-signing-key-0123456789-abcdefghijklmnop",
        ["Receipts:VerificationKey"] = "a-production-verification-key-0123456789-abcdefgh",
        ["PublicBaseUrl"] = "https://spenden.example.org",
        ["Receipts:TaxOfficeNoticeDate"] = "2021-11-15",
        ["DemoData:Seed"] = "false",
    };

    private static async Task<Exception?> StartAsync(string environment, Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        try
        {
            await using var host = await AlbaHost.For<Program>(web =>
            {
                web.UseEnvironment(environment);
                web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
                foreach (var (key, value) in settings) web.UseSetting(key, value);
                web.ConfigureServices(s =>
                {
                    s.RunWolverineInSoloMode();
                    services?.Invoke(s);
                });
            });
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static async Task<int> TablesIn(string schema)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from information_schema.tables where table_schema = @s", connection);
        count.Parameters.AddWithValue("s", schema);
        return Convert.ToInt32(await count.ExecuteScalarAsync());
    }

    private static Task DropAsync(string schema) => AppFixture.DropSchemaAsync(schema);

    [Fact]
    public void a_build_without_generated_code_generates_it_at_start_up()
    {
        // The tests run the ordinary build; only ops/publish compiles the generated code in (-p:PregeneratedCode=true).
        PregeneratedCode.InThisBuild.ShouldBeFalse();
        PregeneratedCode.TypeLoadMode.ShouldBe(TypeLoadMode.Dynamic);
    }

    [Fact]
    public async Task loading_code_statically_refuses_to_start_when_a_generated_type_is_missing()
    {
        // Static loading is what a published build does; this build carries no generated type, so every handler's is
        // missing: the start must fail naming one, never run on without it (or compile it quietly).
        var schema = "test_static_" + Guid.NewGuid().ToString("N")[..8];
        var settings = ProductionSettings(schema);
        settings["Database:ApplyChangesAtStartup"] = "true";
        try
        {
            var failure = await StartAsync("Production", settings,
                s => s.ConfigureWolverine(o => o.CodeGeneration.TypeLoadMode = TypeLoadMode.Static));
            failure.ShouldNotBeNull();
            // Wolverine's own check (MissingPreBuiltTypesException) or, for anything it leaves, PregeneratedCodeCheck's.
            failure.ToString().ShouldMatch(@"MissingPreBuiltTypesException|Missing expected pre-generated type");
        }
        finally
        {
            await DropAsync(schema);
        }
    }

    [Fact]
    public async Task production_changes_no_database_object_at_start_up_and_names_the_missing_setup_step()
    {
        var schema = "test_nosetup_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var failure = await StartAsync("Production", ProductionSettings(schema));
            failure.ShouldNotBeNull();
            failure.ToString().ShouldContain("resources setup");
            (await TablesIn(schema)).ShouldBe(0);
        }
        finally
        {
            await DropAsync(schema);
        }
    }

    [Fact]
    public async Task production_starts_on_a_database_set_up_beforehand()
    {
        var schema = "test_setup_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            // The deployment's step (`resources setup`), here by a host that applies the changes as it starts.
            var setup = ProductionSettings(schema);
            setup["Database:ApplyChangesAtStartup"] = "true";
            (await StartAsync("Production", setup)).ShouldBeNull();
            var tables = await TablesIn(schema);
            tables.ShouldBeGreaterThan(0);

            (await StartAsync("Production", ProductionSettings(schema))).ShouldBeNull();
            (await TablesIn(schema)).ShouldBe(tables);
        }
        finally
        {
            await DropAsync(schema);
        }
    }
}

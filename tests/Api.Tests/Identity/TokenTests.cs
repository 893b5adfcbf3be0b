using System.IdentityModel.Tokens.Jwt;
using FlutHilfe.Api.Infrastructure.Auth;
using Microsoft.Extensions.Configuration;

namespace FlutHilfe.Api.Tests.Identity;

public class TokenTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static IConfiguration Config() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Auth:SigningKey"] = AppFixture.SigningKey,
        ["Auth:Issuer"] = "fluthilfe-dev",
        ["Auth:Audience"] = "fluthilfe",
    }).Build();

    [Fact]
    public void token_command_prints_a_token_with_role_and_municipality()
    {
        var output = new StringWriter();
        TokenCommand.TryRun(["token", "municipality", "stolberg"], Config(), output, out var exit).ShouldBeTrue();
        exit.ShouldBe(0);
        var jwt = new JwtSecurityTokenHandler().ReadJwtToken(output.ToString().Trim());
        jwt.Claims.Single(c => c.Type == "role").Value.ShouldBe("municipality");
        jwt.Claims.Single(c => c.Type == "municipality").Value.ShouldBe("stolberg");
    }

    [Theory]
    [InlineData("token", "mayor")]
    [InlineData("token", "municipality")]
    [InlineData("token", "treasurer", "stolberg")]
    public void token_command_refuses_unknown_roles_and_missing_municipality(params string[] args)
    {
        var output = new StringWriter();
        TokenCommand.TryRun(args, Config(), output, out var exit).ShouldBeTrue();
        exit.ShouldBe(2);
        output.ToString().ShouldContain("usage");
    }

    [Fact]
    public void other_commands_are_not_taken()
        => TokenCommand.TryRun(["run"], Config(), new StringWriter(), out _).ShouldBeFalse();

    [Fact]
    public async Task a_token_from_the_command_is_accepted_by_the_host()
    {
        var output = new StringWriter();
        TokenCommand.TryRun(["token", "treasurer"], Config(), output, out _);
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "x" }).ToUrl("/api/appeals/nope/close");
            s.WithBearer(output.ToString().Trim());
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_401()
    {
        var forged = DevelopmentTokens.Issue(new AuthOptions { SigningKey = "another-key-another-key-another-key-42" }, "treasurer", null, TimeProvider.System);
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "x" }).ToUrl("/api/appeals/nope/close");
            s.WithBearer(forged);
            s.StatusCodeShouldBe(401);
        });
    }
}

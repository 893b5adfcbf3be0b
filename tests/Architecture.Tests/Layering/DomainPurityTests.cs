using Mono.Cecil;
using Mono.Cecil.Cil;
using static FlutHilfe.Architecture.Tests.Layering.Projects;

namespace FlutHilfe.Architecture.Tests.Layering;

/// <summary>
/// Below the level of namespaces: no decision or fold reads the clock or the environment (business time comes in with
/// the command, so a replay decides the same), and none opens a file. Read from the domain's IL with Mono.Cecil.
/// </summary>
public class DomainPurityTests
{
    /// <summary>Declaring type → members the domain must not call ("*": any member).</summary>
    private static readonly Dictionary<string, string[]> Forbidden = new()
    {
        ["System.DateTime"] = ["get_Now", "get_UtcNow", "get_Today"],
        ["System.DateTimeOffset"] = ["get_Now", "get_UtcNow"],
        ["System.TimeProvider"] = ["get_System"],
        ["System.Diagnostics.Stopwatch"] = ["*"],
        // Not "*": the compiler's iterators ask Environment for the current thread id.
        ["System.Environment"] = ["GetEnvironmentVariable", "GetEnvironmentVariables", "ExpandEnvironmentVariables", "GetCommandLineArgs",
            "GetFolderPath", "get_CurrentDirectory", "get_MachineName", "get_UserName", "get_TickCount", "get_TickCount64"],
        ["System.IO.File"] = ["*"],
        ["System.IO.Directory"] = ["*"],
        ["System.IO.Path"] = ["*"],
    };

    [Fact]
    public void the_domain_reads_no_clock_environment_or_file()
    {
        using var module = ModuleDefinition.ReadModule(DomainAssembly.Location);
        var calls = (from type in AllTypes(module)
                     from method in type.Methods
                     where method.HasBody
                     from instruction in method.Body.Instructions
                     where instruction.OpCode.FlowControl == FlowControl.Call && instruction.Operand is MethodReference
                     let callee = (MethodReference)instruction.Operand
                     where Forbidden.TryGetValue(callee.DeclaringType.FullName, out var members) && (members.Contains("*") || members.Contains(callee.Name))
                     select $"{type.FullName}.{method.Name} calls {callee.DeclaringType.FullName}.{callee.Name}").Distinct().ToList();
        calls.ShouldBeEmpty("time comes in with the command (TimeProvider in the Api), and files are read by the adapters");
    }

    private static IEnumerable<TypeDefinition> AllTypes(ModuleDefinition module)
    {
        var pending = new Stack<TypeDefinition>(module.Types);
        while (pending.TryPop(out var type))
        {
            yield return type;
            foreach (var nested in type.NestedTypes) pending.Push(nested);
        }
    }
}

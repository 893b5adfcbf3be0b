using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Architecture.Tests.EventContracts;

/// <summary>
/// A representative instance of any event type: every field present (optional ones too), each list with one item, all
/// values fixed, so that its JSON shows the whole shape and never changes by itself. Built from the constructor with the
/// most parameters, so a new event type needs no code here.
/// </summary>
public static class Representative
{
    private static readonly DateOnly Day = new(2021, 11, 22);
    private static readonly DateTimeOffset Moment = new(2021, 11, 22, 10, 15, 0, TimeSpan.FromHours(1));

    public static object Of(Type type) => Build(type, type.Name, depth: 0);

    private static object Build(Type type, string path, int depth)
    {
        if (depth > 8) throw new InvalidOperationException($"{path}: nested too deep for a representative value.");
        if (Nullable.GetUnderlyingType(type) is { } inner) return Build(inner, path, depth);
        if (type == typeof(string)) return path[(path.LastIndexOf('.') + 1)..];
        if (type == typeof(Guid)) return new Guid(MD5.HashData(Encoding.UTF8.GetBytes(path)));
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 7L;
        if (type == typeof(DateOnly)) return Day;
        if (type == typeof(DateTimeOffset)) return Moment;
        if (type == typeof(Money)) return new Money(12_345);
        if (type == typeof(Iban)) return Iban.Parse("DE89370400440532013000");
        if (type == typeof(Bic)) return Bic.Parse("COBADEFFXXX");
        if (type == typeof(CreditorReference)) return CreditorReference.Parse("RF18539007547034");
        // The first member: appending a member to an enum changes no stored event.
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0)!;
        if (ItemType(type) is { } item)
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            list.Add(Build(item, path + "[0]", depth + 1));
            return type.IsArray ? ToArray(list, item) : list;
        }
        if (type.IsPrimitive || type == typeof(decimal) || type == typeof(object))
            throw new NotSupportedException($"{path}: no representative value for {type.Name}; events carry Money, not {type.Name}.");

        var constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length)
                          ?? throw new NotSupportedException($"{path}: {type.Name} has no public constructor.");
        var arguments = constructor.GetParameters().Select(p => Build(p.ParameterType, $"{path}.{p.Name}", depth + 1)).ToArray();
        return constructor.Invoke(arguments);
    }

    private static Type? ItemType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IEnumerable<>)
               || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IList<>) || definition == typeof(ICollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Array ToArray(IList list, Type item)
    {
        var array = Array.CreateInstance(item, list.Count);
        list.CopyTo(array, 0);
        return array;
    }
}

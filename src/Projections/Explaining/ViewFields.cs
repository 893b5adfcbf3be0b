using System.Collections;
using System.Reflection;
using System.Text.Json;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Projections.Explaining;

/// <summary>What a numeric field counts: money in cents, or a number of things.</summary>
public enum FieldUnit
{
    Cents,
    Count,
}

/// <summary>
/// The numeric fields of a view document, named as the API names them: camelCase, money with the suffix <c>Cents</c>
/// (<c>allocatedCents</c>), counts plain (<c>payments</c>); a map entry by its key (<c>perPurpose.weihnachtsfeiern.spentCents</c>),
/// a list entry by its first <c>…Id</c> property (<c>allocations.{allocationId}.spentCents</c>). Found by reflection, so a
/// field added to a view is readable (and explainable) without a line here.
/// </summary>
public static class ViewFields
{
    public const int PathLengthMax = 300;

    /// <summary>The field's value in <paramref name="document"/> (0 when the document or the map/list entry does not exist yet).</summary>
    public static long Read(object? document, IReadOnlyList<string> path)
    {
        object? current = document;
        foreach (var segment in path)
        {
            if (current is null) return 0;
            current = Step(current, segment);
        }
        return current switch
        {
            null => 0,
            Money m => m.Cents,
            int i => i,
            long l => l,
            _ => throw new InvalidOperationException($"'{string.Join('.', path)}' is not numeric."),
        };
    }

    /// <summary>Whether <paramref name="path"/> names a numeric field of <paramref name="type"/> (map and list keys may be anything), and its unit.</summary>
    public static FieldUnit? UnitOf(Type type, IReadOnlyList<string> path)
    {
        var current = type;
        for (var i = 0; i < path.Count; i++)
        {
            if (Numeric(current) is not null) return null;
            if ((MapValue(current) ?? ListElement(current)) is { } entry)
            {
                current = entry;
                continue;
            }
            if (!Descends(current)) return null;
            var property = PropertyNamed(current, path[i]);
            if (property is null) return null;
            current = property.PropertyType;
        }
        return Numeric(current);
    }

    /// <summary>Every numeric field <paramref name="document"/> has now (maps and lists expanded by their entries).</summary>
    public static IEnumerable<(string Path, FieldUnit Unit)> Enumerate(object document)
        => Enumerate(document, document.GetType(), "");

    public static IReadOnlyList<string> Split(string field) => field.Split('.');

    private static IEnumerable<(string, FieldUnit)> Enumerate(object? value, Type type, string prefix)
    {
        if (Numeric(type) is { } unit)
        {
            yield return (prefix, unit);
            yield break;
        }
        if (value is null) yield break;
        if (MapValue(type) is { } mapValue)
        {
            foreach (DictionaryEntry entry in (IDictionary)value)
            {
                foreach (var field in Enumerate(entry.Value, mapValue, Join(prefix, (string)entry.Key)))
                    yield return field;
            }
            yield break;
        }
        if (ListElement(type) is { } element)
        {
            foreach (var item in (IEnumerable)value)
            {
                foreach (var field in Enumerate(item, element, Join(prefix, KeyOf(item!))))
                    yield return field;
            }
            yield break;
        }
        if (!Descends(type)) yield break;
        foreach (var property in Properties(type))
        {
            foreach (var field in Enumerate(property.GetValue(value), property.PropertyType, Join(prefix, NameOf(property))))
                yield return field;
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Only our own records have fields worth naming (a date's <c>Year</c> is not a figure).</summary>
    private static bool Descends(Type type) => type.Namespace?.StartsWith("FlutHilfe.", StringComparison.Ordinal) == true && !type.IsEnum;

    private static object? Step(object current, string segment)
    {
        var type = current.GetType();
        if (current is IDictionary map && MapValue(type) is not null) return map.Contains(segment) ? map[segment] : null;
        if (current is IEnumerable list && ListElement(type) is not null)
            return list.Cast<object>().FirstOrDefault(item => KeyOf(item) == segment);
        return Descends(type) ? PropertyNamed(type, segment)?.GetValue(current) : null;
    }

    private static FieldUnit? Numeric(Type type)
        => type == typeof(Money) ? FieldUnit.Cents : type == typeof(int) || type == typeof(long) ? FieldUnit.Count : null;

    private static Type? MapValue(Type type)
        => Generic(type, typeof(IReadOnlyDictionary<,>)) is { } map && map.GetGenericArguments()[0] == typeof(string) ? map.GetGenericArguments()[1] : null;

    private static Type? ListElement(Type type)
        => type == typeof(string) || MapValue(type) is not null ? null : Generic(type, typeof(IReadOnlyList<>))?.GetGenericArguments()[0] is { } e && KeyProperty(e) is not null ? e : null;

    private static Type? Generic(Type type, Type definition)
        => (type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type : null)
           ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static PropertyInfo? KeyProperty(Type element)
        => element.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.Name.EndsWith("Id", StringComparison.Ordinal));

    private static string KeyOf(object item) => Convert.ToString(KeyProperty(item.GetType())!.GetValue(item), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static IEnumerable<PropertyInfo> Properties(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract");

    private static PropertyInfo? PropertyNamed(Type type, string segment) => Properties(type).FirstOrDefault(p => NameOf(p) == segment);

    /// <summary>The API name: camelCase, money suffixed with <c>Cents</c>.</summary>
    private static string NameOf(PropertyInfo property)
    {
        var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
        return property.PropertyType == typeof(Money) ? name + "Cents" : name;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Recovery.AuthServer.Common;

/// <summary>
/// An id that names the group it belongs with (<c>{group}id</c>): records that one atomic step must read and change
/// together (a recovery's challenge, its card's block and the wrong-code counts of its card and document; an
/// enrolment's code challenge and its customer's wrong-code count) carry the same group, and a store that shards its
/// data keeps a group's records in one shard. On Redis the braces are the key's hash tag, so the group is one slot and
/// one script may touch all its records on Cluster (the challenge store and the wrong-code ledger keep such an id
/// under that tag). To every other reader it is an opaque id like any other.
/// </summary>
public static class GroupedId
{
    /// <summary><paramref name="id"/> in <paramref name="group"/>. Neither may contain braces.</summary>
    public static string Of(string id, string group)
    {
        if (group.Length == 0 || group.AsSpan().IndexOfAny("{}") >= 0 || id.AsSpan().IndexOfAny("{}") >= 0)
        {
            throw new ArgumentException("An id or a group is empty or holds a brace.", nameof(group));
        }

        return "{" + group + "}" + id;
    }

    /// <summary>Whether two ids are grouped, in one group.</summary>
    public static bool SameGroup(string first, string second) =>
        TrySplit(first, out _, out var a) && TrySplit(second, out _, out var b) && string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>Splits a grouped id; false for an id without a group.</summary>
    public static bool TrySplit(string groupedId, [NotNullWhen(true)] out string? id, [NotNullWhen(true)] out string? group)
    {
        var close = groupedId.StartsWith('{') ? groupedId.IndexOf('}', StringComparison.Ordinal) : -1;
        if (close <= 1)
        {
            (id, group) = (null, null);
            return false;
        }

        (id, group) = (groupedId[(close + 1)..], groupedId[1..close]);
        return true;
    }
}

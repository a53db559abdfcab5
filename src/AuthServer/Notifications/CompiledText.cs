using System.Text;
using Fluid;
using Fluid.Ast;
using Fluid.Parser;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// A text file made only of literal text and printed values (no tag: no <c>if</c>, <c>for</c>, <c>assign</c>), turned
/// once at load into its literal pieces and value slots, so that rendering a message is one concatenation. Why: a Fluid
/// render builds a context, boxes every value and runs an async writer, which was most of what StartRecovery's own code
/// cost on the in-memory store (its decoys render an SMS too). The pieces are not parsed by hand: they come from the
/// parsed template itself, rendered with a marker for each value, and each slot's treatment (as is, HTML-escaped,
/// GSM-7 transliterated, or both) from a render with probe values. The result is kept only if it renders exactly what
/// Fluid renders for a set of awkward values; otherwise the file simply stays with Fluid.
/// </summary>
internal sealed class CompiledText
{
    // Letters and digits only: left alone by the HTML encoder and by GSM-7 transliteration.
    private const string MarkerStart = "QzX7";
    private const string MarkerEnd = "X7zQ";

    // Characters that each treatment changes: HTML-sensitive ones, letters outside GSM-7, an extension character.
    private const string ProbeTail = "<&>\"'áíóúç€";

    // Values a template might treat differently from an ordinary one: empty, blank, markup, accents, GSM-7
    // extension characters, surrogate pairs, Liquid syntax, a marker.
    private static readonly string[] AwkwardValues =
        ["", " ", "  x  ", "\n", "<b>&amp;</b>", "\"'", "áéíóú ÁÉÍÓÚ ñÑ çÇ", "€[]{}^~|\\", "😀 漢字", "{{ code }}", "{% if x %}", MarkerStart + "0" + MarkerEnd];

    private readonly string[] literals;
    private readonly Slot[] slots;

    private CompiledText(string[] literals, Slot[] slots)
    {
        this.literals = literals;
        this.slots = slots;
    }

    /// <summary>How many values the text prints (for tests).</summary>
    internal int SlotCount => slots.Length;

    /// <summary>
    /// Compiles <paramref name="template"/>, or returns null when it has a tag or renders in a way the pieces cannot
    /// reproduce. <paramref name="render"/> is the Fluid render of the file (before trimming) for a set of values; it
    /// supplies each of <paramref name="constants"/> that the values do not name, and those are folded into the text.
    /// </summary>
    public static CompiledText? TryCompile(
        IFluidTemplate template,
        IReadOnlyList<string> names,
        IReadOnlyDictionary<string, string> constants,
        Func<IReadOnlyDictionary<string, string>, string> render,
        Func<string, string> html,
        Func<string, string> gsm7)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(constants);
        ArgumentNullException.ThrowIfNull(render);
        if (template is not FluidTemplate { Statements: var statements } || !statements.All(s => s is TextSpanStatement or OutputStatement))
        {
            return null;
        }

        try
        {
            var compiled = Build([.. names, .. constants.Keys], render, html, gsm7)?.Folding(constants);
            return compiled is not null && Verifies(compiled, names, render) ? compiled : null;
        }
        catch (Exception ex) when (ex is FluidException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The text for <paramref name="values"/>, exactly as Fluid would render it (before trimming).</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        var length = 0;
        var parts = new string[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            parts[i] = slots[i].Apply(values[slots[i].Name]);
            length += parts[i].Length + literals[i].Length;
        }

        var text = new StringBuilder(length + literals[^1].Length);
        for (var i = 0; i < slots.Length; i++)
        {
            text.Append(literals[i]).Append(parts[i]);
        }

        return text.Append(literals[^1]).ToString();
    }

    private static CompiledText? Build(IReadOnlyList<string> names, Func<IReadOnlyDictionary<string, string>, string> render, Func<string, string> html, Func<string, string> gsm7)
    {
        var markers = names.Select((name, i) => (Name: name, Marker: MarkerStart + i + MarkerEnd)).ToArray();
        var marked = render(markers.ToDictionary(m => m.Name, m => m.Marker));

        // Literal pieces and the order in which values are printed.
        var literals = new List<string>();
        var order = new List<string>();
        var at = 0;
        while (true)
        {
            var next = marked.IndexOf(MarkerStart, at, StringComparison.Ordinal);
            if (next < 0)
            {
                literals.Add(marked[at..]);
                break;
            }

            var hit = markers.FirstOrDefault(m => string.CompareOrdinal(marked, next, m.Marker, 0, m.Marker.Length) == 0);
            if (hit.Name is null)
            {
                return null;
            }

            literals.Add(marked[at..next]);
            order.Add(hit.Name);
            at = next + hit.Marker.Length;
        }

        // Each slot's treatment, read from a render with probe values, walking the same pieces.
        var probes = markers.ToDictionary(m => m.Name, m => m.Marker + ProbeTail);
        var probed = render(probes);
        Func<string, string>[] treatments = [v => v, html, gsm7, v => html(gsm7(v))];
        var slots = new Slot[order.Count];
        at = 0;
        for (var i = 0; i < order.Count; i++)
        {
            if (string.CompareOrdinal(probed, at, literals[i], 0, literals[i].Length) != 0)
            {
                return null;
            }

            at += literals[i].Length;
            var probe = probes[order[i]];
            var treatment = treatments.FirstOrDefault(t => t(probe) is var shown && string.CompareOrdinal(probed, at, shown, 0, shown.Length) == 0);
            if (treatment is null)
            {
                return null;
            }

            at += treatment(probe).Length;
            slots[i] = new Slot(order[i], treatment);
        }

        return new CompiledText([.. literals], slots);
    }

    // A constant's slots become literal text.
    private CompiledText Folding(IReadOnlyDictionary<string, string> constants)
    {
        var folded = new List<string> { literals[0] };
        var kept = new List<Slot>();
        for (var i = 0; i < slots.Length; i++)
        {
            if (constants.TryGetValue(slots[i].Name, out var constant))
            {
                folded[^1] += slots[i].Apply(constant) + literals[i + 1];
            }
            else
            {
                kept.Add(slots[i]);
                folded.Add(literals[i + 1]);
            }
        }

        return new CompiledText([.. folded], [.. kept]);
    }

    private static bool Verifies(CompiledText compiled, IReadOnlyList<string> names, Func<IReadOnlyDictionary<string, string>, string> render)
    {
        var samples = AwkwardValues;
        for (var round = 0; round < samples.Length + 1; round++)
        {
            // Round 0: a different ordinary value for each name; then every name with each awkward value, rotated so
            // that names get different ones in one render.
            var values = names.Select((name, i) => (name, value: round == 0 ? "v" + i + "-" + name : samples[(round - 1 + i) % samples.Length]))
                .ToDictionary(v => v.name, v => v.value);
            if (!string.Equals(Outcome(() => render(values)), Outcome(() => compiled.Render(values)), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // A value the text cannot take (the gsm7 filter refuses a lone surrogate) must fail the same way on both paths.
    private static string Outcome(Func<string> render)
    {
        try
        {
            return "=" + render();
        }
        catch (Exception ex) when (ex is ArgumentException or FluidException or InvalidOperationException)
        {
            return "!" + ex.GetType().FullName;
        }
    }

    private readonly record struct Slot(string Name, Func<string, string> Apply);
}

using Recovery.V1;

namespace Recovery.Client.CommandLine;

/// <summary>Text of the "Fortaleza" meter, as the change-password screen shows it.</summary>
internal static class PasswordMeter
{
    /// <summary>One line for the live meter: the label, then the rules not met (required ones first, as the server orders them).</summary>
    public static string Line(EvaluatePasswordResponse evaluation)
    {
        var line = $"Fortaleza: {Label(evaluation)}";
        return evaluation.UnmetRules.Count == 0
            ? line
            : line + " · " + string.Join("; ", evaluation.UnmetRules.Select(r => r.Message));
    }

    /// <summary>The label, then one line per unmet rule saying whether it is required or recommended.</summary>
    public static string Block(EvaluatePasswordResponse evaluation)
    {
        var lines = new List<string> { $"Fortaleza: {Label(evaluation)}" };
        lines.AddRange(evaluation.UnmetRules.Select(r => $"  - {(r.Required ? "obligatoria" : "recomendación")}: {r.Message}"));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Label(EvaluatePasswordResponse evaluation) =>
        string.IsNullOrWhiteSpace(evaluation.StrengthLabel) ? evaluation.Strength.ToString() : evaluation.StrengthLabel;
}

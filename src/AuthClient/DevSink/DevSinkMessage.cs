namespace Recovery.Client;

/// <summary>One notification (SMS or e-mail) as the server wrote it to the development sink.</summary>
/// <param name="Channel"><c>sms</c> or <c>email</c>.</param>
/// <param name="To">The full destination (phone number or e-mail address).</param>
/// <param name="Template">The template name, see <see cref="DevSinkTemplates"/>.</param>
/// <param name="Values">The template's parameters; non-string JSON values are kept as their JSON text.</param>
/// <param name="Text">The rendered text.</param>
/// <param name="Offset">Byte offset of the line in the sink file.</param>
public sealed record DevSinkMessage(
    string Channel, string To, string Template, IReadOnlyDictionary<string, string> Values, string Text, long Offset)
{
    /// <summary>The value named <paramref name="key"/>; throws with the template name when it is missing.</summary>
    public string GetValue(string key) =>
        Values.TryGetValue(key, out var value)
            ? value
            : throw new KeyNotFoundException($"The '{Template}' message has no value '{key}'.");

    // Values hold codes and passwords: keep them out of logs and test output that print the record.
    public override string ToString() =>
        $"{Channel} to {To}, template {Template}, values [{string.Join(", ", Values.Keys)}] at offset {Offset}";
}

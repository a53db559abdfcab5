using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The customer-facing texts, read from Liquid files (Fluid) that a compliance team edits without a
/// rebuild: <c>&lt;directory&gt;/&lt;language&gt;/&lt;template&gt;.&lt;part&gt;.liquid</c> (see
/// <see cref="NotificationTemplates.All"/>). Every file is parsed and tried once at start: a missing
/// file, a syntax error, an unknown value or filter, a required value left out or an HTML template
/// that prints a value unescaped stops the server with a message naming the file. Values are
/// HTML-escaped in the HTML part; SMS texts are written in the GSM-7 alphabet (see <see cref="Sms.Gsm7"/>).
/// </summary>
public sealed class NotificationTexts
{
    public static readonly IReadOnlyList<Language> Languages = [Language.Spanish, Language.English];

    private const string CallCentrePhoneValue = "call_centre_phone";

    private static readonly Dictionary<string, string> Constants = new() { [CallCentrePhoneValue] = NotificationTemplates.CallCentrePhone };

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = CreateOptions();

    // Escapes what HTML needs (<, >, &, quotes) and leaves accented letters readable.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly Dictionary<(string Template, Language Language, string Part), IFluidTemplate> templates;

    // The files that are only text and values, compiled once (see CompiledText); the others render with Fluid.
    private readonly Dictionary<(string Template, Language Language, string Part), CompiledText> compiled;

    private NotificationTexts(Dictionary<(string, Language, string), IFluidTemplate> templates)
    {
        this.templates = templates;
        compiled = [];
        foreach (var ((name, language, part), template) in templates)
        {
            if (CompiledText.TryCompile(template, NotificationTemplates.Find(name).Values, Constants, values => RenderRaw(template, values, part), Html.Encode, Sms.Gsm7.Transliterate) is { } text)
            {
                compiled[(name, language, part)] = text;
            }
        }
    }

    public NotificationTexts(IOptions<NotificationOptions> options)
        : this(LoadOrThrow(options.Value.Texts.ResolvedDirectory))
    {
    }

    /// <summary>Loads the texts in <paramref name="directory"/>; throws with every problem found.</summary>
    public static NotificationTexts Load(string directory) => new(LoadOrThrow(directory));

    /// <summary>The texts shipped beside the server (what tests and tools without a host use).</summary>
    public static NotificationTexts Shipped { get; } = Load(new NotificationTextsOptions().ResolvedDirectory);

    /// <summary>Every problem with the texts in <paramref name="directory"/>, one message each, naming the file.</summary>
    public static IReadOnlyList<string> Validate(string directory)
    {
        var errors = new List<string>();
        TryLoad(directory, errors);
        return errors;
    }

    public Notification RecoveryCodeSms(string phone, string code, TimeSpan lifetime, Language language) =>
        Render(NotificationTemplates.RecoveryCode, phone, language, new() { ["code"] = code, ["expires_minutes"] = Minutes(lifetime) });

    public Notification UserCodeEmail(string email, string displayName, string userCode, Language language) =>
        Render(NotificationTemplates.RecoveryUserCode, email, language, new() { ["user_code"] = userCode, ["display_name"] = displayName });

    public Notification TemporaryPasswordSms(string phone, string temporaryPassword, TimeSpan lifetime, Language language) =>
        Render(NotificationTemplates.RecoveryTemporaryPassword, phone, language, new() { ["temporary_password"] = temporaryPassword, ["expires_hours"] = Hours(lifetime) });

    public Notification OperationCodeSms(string phone, string code, string description, string reference, Language language) =>
        Render(NotificationTemplates.OperationCode, phone, language, new() { ["code"] = code, ["description"] = description, ["reference"] = reference });

    public Notification PasswordChangedEmail(string email, string displayName, Language language) =>
        Render(NotificationTemplates.PasswordChanged, email, language, new() { ["display_name"] = displayName });

    public Notification AuthenticatorCodeSms(string phone, string code, TimeSpan lifetime, Language language) =>
        Render(NotificationTemplates.AuthenticatorCode, phone, language, new() { ["code"] = code, ["expires_minutes"] = Minutes(lifetime) });

    public Notification AuthenticatorAddedEmail(string email, string displayName, Language language) =>
        Render(NotificationTemplates.AuthenticatorAdded, email, language, new() { ["display_name"] = displayName });

    public Notification OperationCodeByVoiceEmail(string email, string displayName, string description, string reference, Language language) =>
        Render(NotificationTemplates.OperationCodeByVoice, email, language, new() { ["display_name"] = displayName, ["description"] = description, ["reference"] = reference });

    /// <summary>Renders one part of a template with <paramref name="values"/> (tests and the segment report use it).</summary>
    public string RenderPart(string template, Language language, string part, IReadOnlyDictionary<string, string> values) =>
        compiled.TryGetValue((template, language, part), out var text)
            ? Finish(text.Render(values), part)
            : RenderFile(templates[(template, language, part)], values, part);

    /// <summary>Whether a file renders without Fluid (see <see cref="CompiledText"/>); for tests.</summary>
    internal bool IsCompiled(string template, Language language, string part) => compiled.ContainsKey((template, language, part));

    /// <summary>What Fluid renders for a file, compiled or not; for tests that compare the two.</summary>
    internal string RenderPartWithFluid(string template, Language language, string part, IReadOnlyDictionary<string, string> values) =>
        RenderFile(templates[(template, language, part)], values, part);

    private Notification Render(string template, string to, Language language, Dictionary<string, string> values)
    {
        var spec = NotificationTemplates.Find(template);
        if (spec.Channel == NotificationChannel.Sms)
        {
            return new Notification(spec.Channel, to, template, values, RenderPart(template, language, NotificationTemplateSpec.SmsPart, values), language.Tag());
        }

        return new Notification(spec.Channel, to, template, values, RenderPart(template, language, NotificationTemplateSpec.TextPart, values), language.Tag())
        {
            Subject = RenderPart(template, language, NotificationTemplateSpec.SubjectPart, values),
            Html = RenderPart(template, language, NotificationTemplateSpec.HtmlPart, values),
        };
    }

    private static string RenderFile(IFluidTemplate template, IReadOnlyDictionary<string, string> values, string part) =>
        Finish(RenderRaw(template, values, part), part);

    // The call-centre phone is the server's, not the caller's: values never set it (only CompiledText's markers do).
    private static string RenderRaw(IFluidTemplate template, IReadOnlyDictionary<string, string> values, string part)
    {
        var context = new TemplateContext(Options);
        foreach (var (name, value) in values)
        {
            context.SetValue(name, value);
        }

        if (!values.ContainsKey(CallCentrePhoneValue))
        {
            context.SetValue(CallCentrePhoneValue, NotificationTemplates.CallCentrePhone);
        }

        return part == NotificationTemplateSpec.HtmlPart ? template.Render(context, Html) : template.Render(context, NullEncoder.Default);
    }

    // Files end with a newline (editors add one); a subject, an SMS or a one-line text does not.
    private static string Finish(string text, string part) =>
        part == NotificationTemplateSpec.HtmlPart ? text.TrimEnd() + "\n" : text.Trim();

    private static Dictionary<(string, Language, string), IFluidTemplate> LoadOrThrow(string directory)
    {
        var errors = new List<string>();
        var loaded = TryLoad(directory, errors);
        return errors.Count == 0
            ? loaded
            : throw new OptionsValidationException(nameof(NotificationOptions), typeof(NotificationOptions), errors);
    }

    private static Dictionary<(string, Language, string), IFluidTemplate> TryLoad(string directory, List<string> errors)
    {
        var loaded = new Dictionary<(string, Language, string), IFluidTemplate>();
        foreach (var language in Languages)
        {
            foreach (var spec in NotificationTemplates.All)
            {
                foreach (var part in spec.Parts)
                {
                    var path = Path.Combine(directory, language.Tag(), spec.FileName(part));
                    if (TryLoadFile(path, spec, part, errors) is { } template)
                    {
                        loaded[(spec.Name, language, part)] = template;
                    }
                }
            }
        }

        return loaded;
    }

    private static IFluidTemplate? TryLoadFile(string path, NotificationTemplateSpec spec, string part, List<string> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add($"Notification text {path} is missing (template {spec.Name}, Notifications:Texts:Directory).");
            return null;
        }

        if (!Parser.TryParse(File.ReadAllText(path), out var template, out var syntax))
        {
            errors.Add($"Notification text {path} does not parse: {syntax}");
            return null;
        }

        // Tried once with a marker for each value: strict options throw on a name the template does
        // not have; a marker missing from the output is a required value left out.
        var markers = spec.Values.ToDictionary(v => v, v => Marker(v, part));
        string output;
        try
        {
            output = RenderFile(template, markers, part);
        }
        catch (Exception ex) when (ex is FluidException or InvalidOperationException)
        {
            errors.Add($"Notification text {path} names an unknown value or filter ({ex.Message}); {spec.Name} has: {string.Join(", ", spec.Values.Append(CallCentrePhoneValue))}.");
            return null;
        }

        foreach (var required in spec.Required.Where(r => part != NotificationTemplateSpec.SubjectPart))
        {
            if (!output.Contains("QX" + required + "QX", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Notification text {path} lacks the required value {{{{ {required} }}}}.");
            }
        }

        if (part == NotificationTemplateSpec.HtmlPart && output.Contains("<&>", StringComparison.Ordinal))
        {
            // A customer's name is data, never markup: `raw` would let it inject HTML into the bank's e-mail.
            errors.Add($"Notification text {path} prints a value without HTML escaping (the raw filter); remove it.");
        }

        return template;
    }

    // The HTML marker carries characters that must come out escaped.
    private static string Marker(string value, string part) => "QX" + value + "QX" + (part == NotificationTemplateSpec.HtmlPart ? "<&>" : string.Empty);

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions { StrictVariables = true, StrictFilters = true };
        options.Filters.AddFilter("gsm7", (input, _, _) => ValueTask.FromResult<FluidValue>(new StringValue(Sms.Gsm7.Transliterate(input.ToStringValue()))));
        return options;
    }

    private static string Minutes(TimeSpan t) => ((int)Math.Ceiling(t.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    private static string Hours(TimeSpan t) => ((int)Math.Ceiling(t.TotalHours)).ToString(CultureInfo.InvariantCulture);
}

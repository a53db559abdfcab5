using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// Checks what the providers' data annotations cannot say (checked by <see cref="ValidateSmsOptions"/> through
/// <c>[ValidateEnumeratedItems]</c>): URLs are HTTP, timeouts are ordered, names are unique, and the delivery report
/// addresses are HTTP URLs. Messages name keys, never values: a value may be a password.
/// </summary>
public sealed class SmsOptionsValidator : IValidateOptions<SmsOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Providers.Count; i++)
        {
            var provider = options.Providers[i];
            var key = $"{SmsOptions.Section}:Providers:{i}";
            if (provider.BaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            {
                failures.Add($"{key}:BaseUrl must be an absolute http or https URL.");
            }

            if (provider.TotalTimeout < provider.AttemptTimeout)
            {
                failures.Add($"{key}:TotalTimeout cannot be shorter than AttemptTimeout.");
            }
        }

        foreach (var duplicate in options.Providers.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"{SmsOptions.Section}:Providers: the name '{duplicate.Key}' is used twice.");
        }

        var reports = options.DeliveryReports;
        foreach (var url in (reports.Urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                failures.Add($"{SmsOptions.Section}:DeliveryReports:Urls: '{url}' is not an http or https address.");
            }
        }

        if (reports.PublicUrl is { } publicUrl && (!publicUrl.IsAbsoluteUri || publicUrl.Scheme is not ("http" or "https")))
        {
            failures.Add($"{SmsOptions.Section}:DeliveryReports:PublicUrl must be an absolute http or https URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

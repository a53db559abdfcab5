using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Passwords;

/// <summary>Customer-facing texts of the meter and the rules, es-ES and en.</summary>
public static class PasswordTexts
{
    public static string Label(PasswordStrength s, Language language) => (s, language) switch
    {
        (PasswordStrength.VeryWeak, Language.English) => "Very weak",
        (PasswordStrength.Weak, Language.English) => "Weak",
        (PasswordStrength.Medium, Language.English) => "Medium",
        (PasswordStrength.Strong, Language.English) => "Strong",
        (PasswordStrength.VeryStrong, Language.English) => "Very strong",
        (PasswordStrength.VeryWeak, _) => "Muy débil",
        (PasswordStrength.Weak, _) => "Débil",
        (PasswordStrength.Medium, _) => "Media",
        (PasswordStrength.Strong, _) => "Fuerte",
        _ => "Muy fuerte",
    };

    public static string Message(PasswordRule rule, Language language, PasswordPolicyOptions policy)
    {
        var min = policy.MinLength;
        var max = policy.MaxLength;
        var level = Label(policy.MinimumStrength, language);
        return language == Language.English
            ? rule switch
            {
                PasswordRule.MinLength => $"Use at least {min} characters.",
                PasswordRule.MaxLength => $"Use at most {max} characters.",
                PasswordRule.Strength => $"The password must be at least \"{level}\".",
                PasswordRule.PersonalData => "Do not use your own data (name, document, phone, user code, dates) or the bank's name.",
                PasswordRule.CommonPassword => "This password is too common or has appeared in data breaches.",
                PasswordRule.Reused => "Do not reuse your current, temporary or any of your last passwords.",
                PasswordRule.MixedCase => "We recommend mixing upper and lower case letters.",
                PasswordRule.Digit => "We recommend including numbers.",
                PasswordRule.Symbol => "We recommend including symbols.",
                _ => "The password contains characters that are not allowed.",
            }
            : rule switch
            {
                PasswordRule.MinLength => $"Debe tener al menos {min} caracteres.",
                PasswordRule.MaxLength => $"Debe tener como máximo {max} caracteres.",
                PasswordRule.Strength => $"La contraseña debe ser al menos \"{level}\".",
                PasswordRule.PersonalData => "No uses tus datos personales (nombre, documento, teléfono, código de usuario, fechas) ni el nombre del banco.",
                PasswordRule.CommonPassword => "Esta contraseña es demasiado común o ha aparecido en filtraciones de datos.",
                PasswordRule.Reused => "No repitas tu contraseña actual, la temporal ni ninguna de las últimas.",
                PasswordRule.MixedCase => "Le recomendamos combinar letras mayúsculas y minúsculas.",
                PasswordRule.Digit => "Le recomendamos incluir números.",
                PasswordRule.Symbol => "Le recomendamos incluir símbolos.",
                _ => "La contraseña contiene caracteres no permitidos.",
            };
    }
}

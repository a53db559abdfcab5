using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.UnitTests.Notifications;

public class NotificationTemplatesTests
{
    private const string Phone = "+34612345331";

    [Fact]
    public void RecoveryCodeSms_Spanish_ContainsCodeAndLifetime()
    {
        var n = NotificationTexts.Shipped.RecoveryCodeSms(Phone, "048213", TimeSpan.FromMinutes(5), Language.Spanish);

        Assert.Equal(NotificationChannel.Sms, n.Channel);
        Assert.Equal(Phone, n.To);
        Assert.Equal(NotificationTemplates.RecoveryCode, n.Template);
        Assert.Equal("es-ES", n.Language);
        Assert.Equal("048213", n.Values["code"]);
        Assert.Equal("5", n.Values["expires_minutes"]);
        Assert.Equal(
            "Banca a Distancia: tu codigo para confirmar la peticion de nuevas claves es 048213. Caduca en 5 min. No lo compartas con nadie.",
            n.Text);
    }

    [Fact]
    public void RecoveryCodeSms_English_IsEnglish()
    {
        var n = NotificationTexts.Shipped.RecoveryCodeSms(Phone, "048213", TimeSpan.FromMinutes(5), Language.English);

        Assert.Equal("en", n.Language);
        Assert.Contains("your code to confirm the request for new keys is 048213", n.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void OperationCodeSms_Spanish_NamesCodeActionReferenceAndCallCentre()
    {
        var description = NotificationTemplates.PasswordChangeDescription(Language.Spanish);

        var n = NotificationTexts.Shipped.OperationCodeSms(Phone, "73190245", description, "23522111", Language.Spanish);

        Assert.Equal("Cambio de contraseña de Usuario de Banca Electrónica", description);
        Assert.Equal(NotificationTemplates.OperationCode, n.Template);
        Assert.Contains("73190245", n.Text, StringComparison.Ordinal);
        Assert.Contains("\"Cambio de contraseña de Usuario de Banca Electronica\"", n.Text, StringComparison.Ordinal);
        Assert.Contains("ref. 23522111", n.Text, StringComparison.Ordinal);
        Assert.Contains("950 183 313", n.Text, StringComparison.Ordinal);
        Assert.Equal(("73190245", description, "23522111"), (n.Values["code"], n.Values["description"], n.Values["reference"]));
    }

    [Fact]
    public void TemporaryPasswordSms_Spanish_ContainsPasswordAndHours()
    {
        var n = NotificationTexts.Shipped.TemporaryPasswordSms(Phone, "Ka7#mPq4Rt9x", TimeSpan.FromHours(24), Language.Spanish);

        Assert.Equal(NotificationTemplates.RecoveryTemporaryPassword, n.Template);
        Assert.Contains("Ka7#mPq4Rt9x", n.Text, StringComparison.Ordinal);
        Assert.Contains("Valida 24 h", n.Text, StringComparison.Ordinal);
        Assert.Contains("primer acceso", n.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void UserCodeEmail_Spanish_ContainsNameUserCodeAndCallCentre()
    {
        var n = NotificationTexts.Shipped.UserCodeEmail("sbarrios@ebcc.es", "SERGIO BARRIOS", "71234567", Language.Spanish);

        Assert.Equal(NotificationChannel.Email, n.Channel);
        Assert.Equal("sbarrios@ebcc.es", n.To);
        Assert.StartsWith("Hola SERGIO BARRIOS:", n.Text, StringComparison.Ordinal);
        Assert.Contains("tu código de usuario de Banca a Distancia es 71234567", n.Text, StringComparison.Ordinal);
        Assert.Contains("hemos cerrado tus otras sesiones; tu app de autenticación, si tienes una, sigue vinculada", n.Text, StringComparison.Ordinal);
        Assert.Contains("950 183 313", n.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordChangedEmail_EnglishAndSpanish()
    {
        Assert.Contains("se acaba de cambiar tu contraseña", NotificationTexts.Shipped.PasswordChangedEmail("a@b.es", "ANA", Language.Spanish).Text, StringComparison.Ordinal);
        Assert.Contains("your Banca a Distancia password has just been changed", NotificationTexts.Shipped.PasswordChangedEmail("a@b.es", "ANA", Language.English).Text, StringComparison.Ordinal);
        Assert.Contains("hemos cerrado tus otras sesiones; tu app de autenticación, si tienes una, sigue vinculada", NotificationTexts.Shipped.PasswordChangedEmail("a@b.es", "ANA", Language.Spanish).Text, StringComparison.Ordinal);
        Assert.Contains("your authenticator app, if you have one, stays linked", NotificationTexts.Shipped.PasswordChangedEmail("a@b.es", "ANA", Language.English).Text, StringComparison.Ordinal);
        Assert.Equal("Online Banking user password change", NotificationTemplates.PasswordChangeDescription(Language.English));
    }

    [Fact]
    public void NotificationToString_HidesCodeDestinationAndText()
    {
        var n = NotificationTexts.Shipped.RecoveryCodeSms(Phone, "048213", TimeSpan.FromMinutes(5), Language.Spanish);

        var text = n.ToString();

        Assert.DoesNotContain("048213", text, StringComparison.Ordinal);
        Assert.DoesNotContain("612345331", text, StringComparison.Ordinal);
        Assert.Contains("recovery-code", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NotificationToString_HidesTemporaryPassword()
    {
        var n = NotificationTexts.Shipped.TemporaryPasswordSms(Phone, "Ka7#mPq4Rt9x", TimeSpan.FromHours(24), Language.Spanish);

        Assert.DoesNotContain("Ka7#mPq4Rt9x", n.ToString(), StringComparison.Ordinal);
    }
}

using System.Globalization;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// What of a customer's own data a new password must not contain, drawn from the customer's record. Lives with the
/// record it reads (Customers), so that the password policy (Passwords, a lower layer) needs no customer type.
/// </summary>
public static class CustomerPersonalData
{
    public static PersonalData Of(CustomerRecord c)
    {
        var values = new List<string> { c.UserCode, c.DocumentId, c.Email.Split('@')[0] };
        values.AddRange(c.DisplayName.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var phone = new string(c.Phone.Where(char.IsAsciiDigit).ToArray());
        values.Add(phone);
        if (phone.Length > 9)
        {
            values.Add(phone[^9..]);
        }

        var documentDigits = new string(c.DocumentId.Where(char.IsAsciiDigit).ToArray());
        values.Add(documentDigits);

        if (c.BirthDate is { } b)
        {
            values.Add(b.ToString("ddMMyyyy", CultureInfo.InvariantCulture));
            values.Add(b.ToString("ddMMyy", CultureInfo.InvariantCulture));
            values.Add(b.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            values.Add(b.Year.ToString(CultureInfo.InvariantCulture));
        }

        return new PersonalData(values.Where(v => !string.IsNullOrWhiteSpace(v)).ToArray());
    }
}

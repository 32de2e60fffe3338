namespace Pipeline.Domain.Ledgers;

/// <summary>The rules for opening an account, shared by the in-memory core and every store.</summary>
public static class AccountRules
{
    public static CreateAccountResult Validate(in NewAccount spec)
    {
        const AccountFlags both = AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits;
        if (spec.Id.IsZero)
        {
            return CreateAccountResult.IdMustNotBeZero;
        }

        if (!spec.Currency.IsKnown)
        {
            return CreateAccountResult.CurrencyMustBeKnown;
        }

        if ((spec.Flags & both) == both)
        {
            return CreateAccountResult.FlagsAreMutuallyExclusive;
        }

        if (spec.LimitMinor < 0)
        {
            return CreateAccountResult.LimitMustNotBeNegative;
        }

        return spec.LimitMinor > 0 && spec.Flags == AccountFlags.None
            ? CreateAccountResult.LimitRequiresABalanceFlag
            : CreateAccountResult.Ok;
    }

    public static CreateAccountResult CompareWithExisting(in NewAccount spec, in Account existing)
    {
        if (spec.Currency != existing.Currency)
        {
            return CreateAccountResult.ExistsWithDifferentCurrency;
        }

        if (spec.NormalBalance != existing.NormalBalance)
        {
            return CreateAccountResult.ExistsWithDifferentNormalBalance;
        }

        if (spec.Flags != existing.Flags)
        {
            return CreateAccountResult.ExistsWithDifferentFlags;
        }

        if (spec.LimitMinor != existing.LimitMinor)
        {
            return CreateAccountResult.ExistsWithDifferentLimit;
        }

        return spec.Code != existing.Code ? CreateAccountResult.ExistsWithDifferentCode : CreateAccountResult.Exists;
    }
}

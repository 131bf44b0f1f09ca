"""What the Salesforce source reads: objects, their fields, and the names users must check."""

from __future__ import annotations

# raw table -> (sObject, fields). Standard fields plus the custom fields the models use
# (Segment__c, Contract_*_Date__c); SystemModstamp is the incremental cursor and IsDeleted marks
# soft deletes (User has no IsDeleted: users are deactivated, never deleted).
OBJECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "users": (
        "User",
        (
            "Id",
            "Username",
            "Name",
            "FirstName",
            "LastName",
            "Email",
            "IsActive",
            "Title",
            "Department",
            "CreatedDate",
            "LastModifiedDate",
            "SystemModstamp",
        ),
    ),
    "accounts": (
        "Account",
        (
            "Id",
            "Name",
            "Type",
            "Industry",
            "Website",
            "AnnualRevenue",
            "NumberOfEmployees",
            "OwnerId",
            "ParentId",
            "BillingCountry",
            "Segment__c",
            "CreatedDate",
            "LastModifiedDate",
            "SystemModstamp",
            "IsDeleted",
        ),
    ),
    "contacts": (
        "Contact",
        (
            "Id",
            "AccountId",
            "FirstName",
            "LastName",
            "Email",
            "Title",
            "OwnerId",
            "CreatedDate",
            "LastModifiedDate",
            "SystemModstamp",
            "IsDeleted",
        ),
    ),
    "opportunities": (
        "Opportunity",
        (
            "Id",
            "AccountId",
            "Name",
            "StageName",
            "Amount",
            "CloseDate",
            "IsClosed",
            "IsWon",
            "Type",
            "Probability",
            "ForecastCategoryName",
            "OwnerId",
            "Contract_Start_Date__c",
            "Contract_End_Date__c",
            "CreatedDate",
            "LastModifiedDate",
            "SystemModstamp",
            "IsDeleted",
        ),
    ),
}

# dlt data types of the non-text fields. Every selected field gets a column hint, so a field
# that is null on every row (ParentId in a flat org) still becomes a column for the models.
FIELD_TYPES: dict[str, str] = {
    **dict.fromkeys(("CreatedDate", "LastModifiedDate", "SystemModstamp"), "timestamp"),
    **dict.fromkeys(("CloseDate", "Contract_Start_Date__c", "Contract_End_Date__c"), "date"),
    **dict.fromkeys(("IsActive", "IsDeleted", "IsClosed", "IsWon"), "bool"),
    **dict.fromkeys(("AnnualRevenue", "Amount", "Probability"), "double"),
    "NumberOfEmployees": "bigint",
}

CURSOR_FIELD = "SystemModstamp"
PRIMARY_KEY = "Id"
# Sforce-Query-Options batchSize bounds: Salesforce ignores anything outside them.
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 200, 2000
SECRETS_HINT = (
    "[sources.salesforce] client_id, client_secret, username, password and login_url "
    "(env SOURCES__SALESFORCE__CLIENT_ID, SOURCES__SALESFORCE__CLIENT_SECRET, "
    "SOURCES__SALESFORCE__USERNAME, SOURCES__SALESFORCE__PASSWORD, SOURCES__SALESFORCE__LOGIN_URL)"
)

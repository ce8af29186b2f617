/** The Pulumi projects tenantctl drives (docs/modules.md "Stack layout"). */
export const SHARED_PROJECT = "tenantctl-shared";
export const TENANTS_PROJECT = "tenantctl-tenants";
export const PREVIEWS_PROJECT = "tenantctl-previews";

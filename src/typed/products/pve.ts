/**
 * PVE's types, registered with the typed API (ApiRoot, RouteMap, propertyString) by
 * declaration merging: a program that imports this module has PVE typed, and one that does
 * not never reads PVE's declarations. Re-exports the generated parameter and result types.
 */
import type { Root } from '../../generated/pve/tree.js';
import type { PropertyStrings, RouteKeys } from '../../generated/pve/types.js';

export type * from '../../generated/pve/types.js';

declare module '../api.js' {
  interface ServiceRoots {
    PVE: Root;
  }
}
declare module '../routes.js' {
  interface ServiceRoutes {
    PVE: RouteKeys;
  }
}
declare module '../property-strings.js' {
  interface ServicePropertyStrings {
    PVE: PropertyStrings;
  }
}

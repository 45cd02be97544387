/**
 * PMG's types, registered with the typed API (ApiRoot, RouteMap, propertyString) by
 * declaration merging: a program that imports this module has PMG typed, and one that does
 * not never reads PMG's declarations. Re-exports the generated parameter and result types.
 */
import type { Root } from '../../generated/pmg/tree.js';
import type { PropertyStrings, RouteKeys } from '../../generated/pmg/types.js';

export type * from '../../generated/pmg/types.js';

declare module '../api.js' {
  interface ServiceRoots {
    PMG: Root;
  }
}
declare module '../routes.js' {
  interface ServiceRoutes {
    PMG: RouteKeys;
  }
}
declare module '../property-strings.js' {
  interface ServicePropertyStrings {
    PMG: PropertyStrings;
  }
}

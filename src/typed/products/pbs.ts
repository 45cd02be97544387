/**
 * PBS's types, registered with the typed API (ApiRoot, RouteMap, propertyString) by
 * declaration merging: a program that imports this module has PBS typed, and one that does
 * not never reads PBS's declarations. Re-exports the generated parameter and result types.
 */
import type { Root } from '../../generated/pbs/tree.js';
import type { PropertyStrings, RouteKeys } from '../../generated/pbs/types.js';

export type * from '../../generated/pbs/types.js';

declare module '../api.js' {
  interface ServiceRoots {
    PBS: Root;
  }
}
declare module '../routes.js' {
  interface ServiceRoutes {
    PBS: RouteKeys;
  }
}
declare module '../property-strings.js' {
  interface ServicePropertyStrings {
    PBS: PropertyStrings;
  }
}

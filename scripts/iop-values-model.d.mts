/** Message name -> field name -> type (see the table's header for the type syntax). */
export declare const messages: Record<string, Record<string, string>>;
export declare const chartOnly: Record<string, Record<string, string>>;

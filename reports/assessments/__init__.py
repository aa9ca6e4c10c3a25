"""Assessment sheets (アセスメントシート) before a meeting, merged per case, and the safety scale."""

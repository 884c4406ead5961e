"""The partners' quarterly report: KPIs against targets, the figures behind the charts, the charts."""
